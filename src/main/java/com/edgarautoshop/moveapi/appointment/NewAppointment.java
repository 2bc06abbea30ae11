package com.edgarautoshop.moveapi.appointment;

import com.edgarautoshop.moveapi.web.Validation;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** A validated create request. Server-owned fields (status, version, check-in/out) are never read. */
public record NewAppointment(
    OffsetDateTime apptStart,
    OffsetDateTime apptEnd,
    Long customerId,
    JsonObject customer,
    Long vehicleId,
    JsonObject vehicle,
    String notes,
    BigDecimal totalAmount,
    BigDecimal paidAmount,
    String techId) {

  /** The numeric(12, 2) columns' range. */
  private static final BigDecimal MAX_MONEY = new BigDecimal("9999999999.99");

  public static NewAppointment parse(JsonObject body) {
    Validation check = new Validation();
    OffsetDateTime start = check.timestamp(body, "appt_start");
    OffsetDateTime end = check.timestamp(body, "appt_end");
    if (start != null && end != null && !end.isAfter(start)) {
      check.add("appt_end", "must be after appt_start");
    }
    Long customerId = check.id(body, "customer_id");
    JsonObject customer = null;
    if (body.getValue("customer_id") == null) {
      customer = check.object(body, "customer", "customer_id or customer");
      if (customer != null) {
        check.text(customer, "customer.name", "name", true, 200);
        check.text(customer, "customer.phone", "phone", false, 50);
        check.text(customer, "customer.email", "email", false, 200);
      }
    }
    Long vehicleId = check.id(body, "vehicle_id");
    JsonObject vehicle = null;
    if (body.getValue("vehicle_id") == null) {
      vehicle = check.object(body, "vehicle", "vehicle_id or vehicle");
      if (vehicle != null) {
        check.text(vehicle, "vehicle.make", "make", true, 100);
        check.text(vehicle, "vehicle.model", "model", true, 100);
        check.text(vehicle, "vehicle.vin", "vin", false, 32);
        check.text(vehicle, "vehicle.license_plate", "license_plate", false, 32);
        Object year = vehicle.getValue("year");
        if (year != null && !(year instanceof Integer y && y >= 1886 && y <= 2100)) {
          check.add("vehicle.year", "must be an integer between 1886 and 2100");
        }
      }
    }
    String notes = check.text(body, "notes", "notes", false, 4000);
    String techId = check.text(body, "tech_id", "tech_id", false, 100);
    BigDecimal total = check.money(body, "total_amount", MAX_MONEY);
    BigDecimal paid = check.money(body, "paid_amount", MAX_MONEY);
    check.throwIfAny();
    return new NewAppointment(start, end, customerId, customer, vehicleId, vehicle, notes, total, paid, techId);
  }
}
