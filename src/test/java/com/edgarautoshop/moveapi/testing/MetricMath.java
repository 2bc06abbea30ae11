package com.edgarautoshop.moveapi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the part of CloudWatch metric math that deploy/alarms.yaml uses, for one period: numbers,
 * query ids, + - * /, comparisons, IF(condition, then, else) and FILL(id, value). A missing value
 * (no datapoint) is null and makes the result null, as CloudWatch then has no datapoint either.
 */
public final class MetricMath {
  private static final Pattern TOKEN = Pattern.compile("\\s*(>=|<=|==|!=|[-+*/(),<>]|[0-9]+(?:\\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*)");

  private final List<String> tokens;
  private final Map<String, Double> values;
  private int next;

  private MetricMath(List<String> tokens, Map<String, Double> values) {
    this.tokens = tokens;
    this.values = values;
  }

  /** The expression's value for these query values (an absent id means no datapoint). */
  public static Double evaluate(String expression, Map<String, Double> values) {
    List<String> tokens = new ArrayList<>();
    Matcher matcher = TOKEN.matcher(expression);
    int at = 0;
    while (at < expression.length() && matcher.find(at) && matcher.start() == at) {
      tokens.add(matcher.group(1));
      at = matcher.end();
    }
    if (!expression.substring(at).isBlank()) {
      throw new IllegalArgumentException("cannot read '" + expression.substring(at) + "' in " + expression);
    }
    MetricMath parser = new MetricMath(tokens, values);
    Double result = parser.comparison();
    if (parser.next != tokens.size()) {
      throw new IllegalArgumentException("unexpected '" + tokens.get(parser.next) + "' in " + expression);
    }
    return result;
  }

  /**
   * Whether a metric-math alarm (resolved Properties with Metrics, Threshold, ComparisonOperator)
   * breaches for one period with these query values; fails when the values give no datapoint.
   */
  @SuppressWarnings("unchecked")
  public static boolean breaches(Map<String, Object> alarm, Map<String, Double> values) {
    Map<String, Object> returned = ((List<Map<String, Object>>) alarm.get("Metrics")).stream()
        .filter(query -> Boolean.TRUE.equals(query.get("ReturnData"))).findFirst().orElseThrow();
    Double value = evaluate((String) returned.get("Expression"), values);
    if (value == null) {
      throw new IllegalStateException("no datapoint for " + values);
    }
    double threshold = ((Number) alarm.get("Threshold")).doubleValue();
    return switch ((String) alarm.get("ComparisonOperator")) {
      case "GreaterThanThreshold" -> value > threshold;
      case "GreaterThanOrEqualToThreshold" -> value >= threshold;
      case "LessThanThreshold" -> value < threshold;
      default -> throw new IllegalArgumentException("unexpected operator " + alarm.get("ComparisonOperator"));
    };
  }

  private Double comparison() {
    Double left = additive();
    if (next < tokens.size() && List.of(">=", "<=", ">", "<", "==", "!=").contains(tokens.get(next))) {
      String operator = tokens.get(next++);
      Double right = additive();
      if (left == null || right == null) {
        return null;
      }
      boolean holds = switch (operator) {
        case ">=" -> left >= right;
        case "<=" -> left <= right;
        case ">" -> left > right;
        case "<" -> left < right;
        case "==" -> left.equals(right);
        default -> !left.equals(right);
      };
      return holds ? 1.0 : 0.0;
    }
    return left;
  }

  private Double additive() {
    Double value = term();
    while (next < tokens.size() && (tokens.get(next).equals("+") || tokens.get(next).equals("-"))) {
      boolean plus = tokens.get(next++).equals("+");
      Double right = term();
      value = value == null || right == null ? null : plus ? value + right : value - right;
    }
    return value;
  }

  private Double term() {
    Double value = unary();
    while (next < tokens.size() && (tokens.get(next).equals("*") || tokens.get(next).equals("/"))) {
      boolean times = tokens.get(next++).equals("*");
      Double right = unary();
      if (value == null || right == null || (!times && right == 0)) {
        value = null;
      } else {
        value = times ? value * right : value / right;
      }
    }
    return value;
  }

  private Double unary() {
    if (tokens.get(next).equals("-")) {
      next++;
      Double value = unary();
      return value == null ? null : -value;
    }
    return primary();
  }

  private Double primary() {
    String token = tokens.get(next++);
    if (token.equals("(")) {
      Double value = comparison();
      expect(")");
      return value;
    }
    if (Character.isDigit(token.charAt(0))) {
      return Double.valueOf(token);
    }
    if (next < tokens.size() && tokens.get(next).equals("(")) {
      next++;
      List<Double> arguments = new ArrayList<>();
      arguments.add(comparison());
      while (tokens.get(next).equals(",")) {
        next++;
        arguments.add(comparison());
      }
      expect(")");
      return call(token, arguments);
    }
    if (!values.containsKey(token) && !token.matches("[a-z][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a query id: " + token);
    }
    return values.get(token);
  }

  private static Double call(String function, List<Double> arguments) {
    return switch (function) {
      case "IF" -> arguments.get(0) == null ? null : arguments.get(0) != 0 ? arguments.get(1) : arguments.get(2);
      case "FILL" -> arguments.get(0) == null ? arguments.get(1) : arguments.get(0);
      default -> throw new IllegalArgumentException("function not supported here: " + function);
    };
  }

  private void expect(String token) {
    if (next >= tokens.size() || !tokens.get(next).equals(token)) {
      throw new IllegalArgumentException("expected '" + token + "'");
    }
    next++;
  }
}
