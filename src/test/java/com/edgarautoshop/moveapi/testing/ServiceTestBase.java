package com.edgarautoshop.moveapi.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One service with the default test configuration per test class. */
public abstract class ServiceTestBase {
  protected static TestService service;
  protected static Api api;

  @BeforeAll
  static void startService() {
    service = TestService.start();
    api = service.api();
  }

  @AfterAll
  static void stopService() throws Exception {
    service.close();
  }
}
