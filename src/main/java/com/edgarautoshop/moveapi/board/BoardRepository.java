package com.edgarautoshop.moveapi.board;

import com.edgarautoshop.moveapi.appointment.Cards;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** The board's SQL: one local day is a half-open range on appt_start, served by its index. */
public final class BoardRepository {
  private static final String BOARD_SQL = "SELECT " + Cards.COLUMNS + " FROM " + Cards.FROM
      + " WHERE a.appt_start >= $1 AND a.appt_start < $2 ORDER BY a.position, a.appt_start, a.id LIMIT $3";
  /** What a {@link BoardTag} is made of, without the cards' bodies. */
  private static final String TAG_SQL = "SELECT id, version FROM appointments WHERE appt_start >= $1 AND appt_start < $2 LIMIT $3";
  private static final String STATS_SQL = """
      SELECT status, count(*) AS cards,
             coalesce(sum(greatest(total_amount - paid_amount, 0)) FILTER (WHERE status NOT IN ('completed', 'no_show')), 0) AS unpaid
      FROM appointments WHERE appt_start >= $1 AND appt_start < $2 GROUP BY status
      """;

  /** Cards per status and the unpaid total of one day. */
  public record DayCounts(Map<String, Integer> statusCounts, BigDecimal unpaidTotal) {}

  private final Pool pool;

  public BoardRepository(Pool pool) {
    this.pool = pool;
  }

  /** The day's card rows in board order, at most {@code limit}; render each with {@link Cards#write}. */
  public Future<RowSet<Row>> cards(OffsetDateTime from, OffsetDateTime to, int limit) {
    return pool.preparedQuery(BOARD_SQL).execute(Tuple.of(from, to, (long) limit));
  }

  /** The tag of the day's first {@code limit} cards (as many as a board of the day would hold). */
  Future<BoardTag> tag(OffsetDateTime from, OffsetDateTime to, int limit) {
    return pool.preparedQuery(TAG_SQL).execute(Tuple.of(from, to, (long) limit)).map(rows -> BoardTag.of(rows, row -> row.getLong(0), row -> row.getInteger(1)));
  }

  public Future<DayCounts> counts(OffsetDateTime from, OffsetDateTime to) {
    return pool.preparedQuery(STATS_SQL).execute(Tuple.of(from, to)).map(rows -> {
      Map<String, Integer> counts = new LinkedHashMap<>();
      BigDecimal unpaid = BigDecimal.ZERO;
      for (Row row : rows) {
        counts.put(row.getString("status"), row.getLong("cards").intValue());
        unpaid = unpaid.add(row.getBigDecimal("unpaid"));
      }
      return new DayCounts(counts, unpaid);
    });
  }
}
