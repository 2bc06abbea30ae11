package com.edgarautoshop.moveapi.testing;

import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** A loopback TCP proxy to the test PostgreSQL that a test can cut (refuse and drop everything) and restore, or freeze (hold every byte) and thaw. */
public final class TcpProxy implements AutoCloseable {
  private final int port;
  private final DatabaseUrl target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  /** Gives each accepted connection a stream that receives a copy of what the client sent; or null. */
  private final Supplier<OutputStream> clientTap;
  private volatile ServerSocket server;
  private final Object thawed = new Object();
  private boolean frozen;
  private int holding;

  /** A proxy to the test PostgreSQL. */
  public TcpProxy() {
    this(null);
  }

  /** A proxy to the test PostgreSQL that also copies each connection's client-to-server bytes into its own stream from {@code clientTap}. */
  public TcpProxy(Supplier<OutputStream> clientTap) {
    this.target = TestPostgres.url();
    this.port = TestService.freePort();
    this.clientTap = clientTap;
    open();
  }

  /** The test PostgreSQL's URL through this proxy, over plain TCP (so recorded bytes are the protocol itself). */
  public DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", port, target.database(), target.user(), target.password(), "disable");
  }

  public int port() {
    return port;
  }

  public synchronized void open() {
    try {
      server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
    ServerSocket listening = server;
    Thread acceptor = new Thread(() -> {
      while (!listening.isClosed()) {
        try {
          Socket client = listening.accept();
          Socket upstream = new Socket(target.host(), target.port());
          sockets.add(client);
          sockets.add(upstream);
          pump(client, upstream, clientTap == null ? null : clientTap.get());
          pump(upstream, client, null);
        } catch (IOException closed) {
          return;
        }
      }
    }, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** PostgreSQL "goes away": new connections are refused and open ones are dropped. */
  public synchronized void cut() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** PostgreSQL crashes: new connections are refused and open ones are reset (RST, not an orderly close). */
  public synchronized void reset() throws IOException {
    for (Socket socket : sockets) {
      socket.setSoLinger(true, 0);
    }
    cut();
  }

  /** PostgreSQL stops answering: connections stay open, but nothing passes in either direction until {@link #thaw}. */
  public void freeze() {
    synchronized (thawed) {
      frozen = true;
    }
  }

  public void thaw() {
    synchronized (thawed) {
      frozen = false;
      thawed.notifyAll();
    }
  }

  /** Whether bytes are being held by a freeze right now. */
  public boolean holding() {
    synchronized (thawed) {
      return holding > 0;
    }
  }

  private void awaitThawed() throws IOException {
    synchronized (thawed) {
      if (!frozen) {
        return;
      }
      holding++;
      try {
        while (frozen) {
          thawed.wait();
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IOException(ex);
      } finally {
        holding--;
      }
    }
  }

  private void pump(Socket from, Socket to, OutputStream copy) {
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (copy != null) {
            copy.write(buffer, 0, n);
          }
          awaitThawed();
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException closed) {
        // the other side closed or the proxy was cut
      } finally {
        try {
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "tcp-proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
