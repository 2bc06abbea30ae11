package com.edgarautoshop.moveapi.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint on 127.0.0.1 that accepts connections and reads requests but never answers: a
 * CloudWatch that hangs. It tells which requests are pending, i.e. received and still awaited by
 * their sender (the connection not closed by it).
 */
public final class BlackHoleEndpoint implements AutoCloseable {
  private final ServerSocket server;
  private final Map<Integer, Socket> pending = new ConcurrentHashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextId = new AtomicInteger();

  public BlackHoleEndpoint() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket socket = server.accept();
          open.add(socket);
          int id = nextId.incrementAndGet();
          Thread reader = new Thread(() -> hold(id, socket), "black-hole-" + id);
          reader.setDaemon(true);
          reader.start();
        }
      } catch (IOException closed) {
        // the endpoint is closed
      }
    }, "black-hole");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void hold(int id, Socket socket) {
    try (InputStream in = socket.getInputStream()) {
      byte[] buffer = new byte[8192];
      while (in.read(buffer) >= 0) {
        pending.put(id, socket);
      }
    } catch (IOException closed) {
      // the sender gave up, or the endpoint is closed
    } finally {
      pending.remove(id);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Ids of the requests received and not answered whose senders are still waiting. */
  public Set<Integer> pending() {
    return Set.copyOf(pending.keySet());
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      socket.close();
    }
  }
}
