package com.edgarautoshop.moveapi.db;

import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;

/** Seeds a day of demo cards for today and tomorrow on first start (start-up only, so JDBC is fine). */
public final class DemoData {
  private static final String SEED_SQL = """
      WITH people (n, name, phone, make, model, year) AS (VALUES
        (1, 'Maria Lopez', '555-0101', 'Toyota', 'Corolla', 2018),
        (2, 'James Chen', '555-0102', 'Honda', 'Civic', 2020),
        (3, 'Aisha Khan', '555-0103', 'Ford', 'F-150', 2016),
        (4, 'Tom Becker', '555-0104', 'Subaru', 'Outback', 2019),
        (5, 'Lena Novak', '555-0105', 'Tesla', 'Model 3', 2022),
        (6, 'Omar Haddad', '555-0106', 'Chevrolet', 'Malibu', 2015)),
      customer AS (
        INSERT INTO customers (name, phone) SELECT name, phone FROM people ORDER BY n RETURNING id, name),
      vehicle AS (
        INSERT INTO vehicles (customer_id, make, model, year)
        SELECT customer.id, people.make, people.model, people.year FROM customer JOIN people USING (name)
        RETURNING id, customer_id)
      INSERT INTO appointments (customer_id, vehicle_id, appt_start, appt_end, status, total_amount, paid_amount, tech_id, notes, check_in_at)
      SELECT vehicle.customer_id, vehicle.id,
             (day + time '08:00' + (people.n - 1) * interval '75 minutes') AT TIME ZONE ?,
             (day + time '09:00' + (people.n - 1) * interval '75 minutes') AT TIME ZONE ?,
             CASE WHEN day_offset = 0 AND people.n = 1 THEN 'in_progress' WHEN day_offset = 0 AND people.n = 2 THEN 'ready' ELSE 'scheduled' END,
             80 + people.n * 45.5, CASE WHEN people.n = 3 THEN 40 ELSE 0 END,
             'tech-' || (1 + people.n % 3), 'Demo card', 
             CASE WHEN day_offset = 0 AND people.n IN (1, 2) THEN now() END
      FROM vehicle
      JOIN customer ON customer.id = vehicle.customer_id
      JOIN people USING (name)
      CROSS JOIN (SELECT d AS day_offset, (now() AT TIME ZONE ?)::date + d AS day FROM generate_series(0, 1) d) days
      """;

  private DemoData() {}

  /** Returns the number of cards seeded: zero when the database already holds appointments. */
  public static int seedIfEmpty(DatabaseUrl db, ZoneId shopZone) throws SQLException {
    try (Connection conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      try (ResultSet rs = conn.createStatement().executeQuery("SELECT EXISTS (SELECT 1 FROM appointments)")) {
        rs.next();
        if (rs.getBoolean(1)) {
          return 0;
        }
      }
      try (PreparedStatement seed = conn.prepareStatement(SEED_SQL)) {
        for (int i = 1; i <= 3; i++) {
          seed.setString(i, shopZone.getId());
        }
        return seed.executeUpdate();
      }
    }
  }
}
