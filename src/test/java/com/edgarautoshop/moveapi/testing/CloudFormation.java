package com.edgarautoshop.moveapi.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation template: the short forms (!Ref X, !Sub ..., !If [...]) become the long
 * forms ({Ref: X}, {Fn::Sub: ...}), and {@link #resolve} evaluates what a deployment with these
 * parameters would: parameters, conditions, Fn::If, Fn::Sub, Fn::FindInMap, Fn::Join, AWS::NoValue.
 * References to resources and their attributes stay as they are.
 */
public final class CloudFormation {
  private static final List<String> FUNCTIONS =
      List.of("Ref", "Sub", "If", "Not", "Equals", "And", "Or", "Condition", "GetAtt", "Join", "Select", "Split", "FindInMap");
  private static final Map<String, String> PSEUDO_PARAMETERS =
      Map.of("AWS::Region", "us-east-1", "AWS::AccountId", "123456789012", "AWS::Partition", "aws");
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
  /** What AWS::NoValue resolves to before it is dropped from its list or mapping. */
  private static final Object NO_VALUE = new Object();

  private final Map<String, Object> template;
  private final Map<String, String> parameters;

  private CloudFormation(Map<String, Object> template, Map<String, String> parameters) {
    this.template = template;
    this.parameters = parameters;
  }

  /** The template with {@code overrides} for some parameters and the template's defaults for the rest. */
  @SuppressWarnings("unchecked")
  public static CloudFormation load(Path file, Map<String, String> overrides) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      Map<String, Object> template = new Yaml(new ShortForms()).load(reader);
      Map<String, String> parameters = new java.util.HashMap<>(PSEUDO_PARAMETERS);
      ((Map<String, Map<String, Object>>) template.get("Parameters")).forEach((name, spec) -> {
        if (spec.get("Default") != null) {
          parameters.put(name, String.valueOf(spec.get("Default")));
        }
      });
      parameters.putAll(overrides);
      return new CloudFormation(template, parameters);
    }
  }

  public String parameter(String name) {
    return parameters.get(name);
  }

  /** The Properties of the resource with this logical id. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> properties(String logicalId) {
    Map<String, Object> resource = ((Map<String, Map<String, Object>>) template.get("Resources")).get(logicalId);
    if (resource == null) {
      throw new IllegalArgumentException("no resource " + logicalId);
    }
    return (Map<String, Object>) resource.get("Properties");
  }

  /** Logical id → Properties of every resource of this type, in template order. */
  @SuppressWarnings("unchecked")
  public Map<String, Map<String, Object>> resourcesOfType(String type) {
    Map<String, Map<String, Object>> found = new LinkedHashMap<>();
    ((Map<String, Map<String, Object>>) template.get("Resources")).forEach((logicalId, resource) -> {
      if (type.equals(resource.get("Type"))) {
        found.put(logicalId, (Map<String, Object>) resource.get("Properties"));
      }
    });
    return found;
  }

  /** The declaration of one parameter (Type, Default, AllowedPattern, …). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> parameterSpec(String name) {
    return ((Map<String, Map<String, Object>>) template.get("Parameters")).get(name);
  }

  /** The names of the template's parameters. */
  @SuppressWarnings("unchecked")
  public Set<String> parameterNames() {
    return ((Map<String, Object>) template.get("Parameters")).keySet();
  }

  /** The resource's Properties as this deployment would see them (see {@link #resolve}). */
  public Map<String, Object> resolvedProperties(String logicalId) {
    return map(resolve(properties(logicalId)));
  }

  /** The resource's DependsOn as a list. */
  @SuppressWarnings("unchecked")
  public List<String> dependsOn(String logicalId) {
    Object dependsOn = ((Map<String, Map<String, Object>>) template.get("Resources")).get(logicalId).get("DependsOn");
    return dependsOn == null ? List.of() : dependsOn instanceof List<?> list ? (List<String>) list : List.of((String) dependsOn);
  }

  /** The Value of an output, resolved. */
  @SuppressWarnings("unchecked")
  public Object output(String name) {
    return resolve(((Map<String, Map<String, Object>>) template.get("Outputs")).get(name).get("Value"));
  }

  /** A value as this deployment would see it: parameters, conditions and the functions above evaluated. */
  @SuppressWarnings("unchecked")
  public Object resolve(Object value) {
    if (value instanceof List<?> list) {
      List<Object> resolved = new ArrayList<>();
      for (Object item : list) {
        Object r = resolve(item);
        if (r != NO_VALUE) {
          resolved.add(r);
        }
      }
      return resolved;
    }
    if (!(value instanceof Map<?, ?>)) {
      return value;
    }
    Map<String, Object> map = (Map<String, Object>) value;
    if (map.size() == 1) {
      Map.Entry<String, Object> function = map.entrySet().iterator().next();
      Object argument = function.getValue();
      switch (function.getKey()) {
        case "Ref" -> {
          String name = (String) argument;
          if (name.equals("AWS::NoValue")) {
            return NO_VALUE;
          }
          return parameters.containsKey(name) ? parameters.get(name) : map;
        }
        case "Fn::If" -> {
          List<Object> branches = (List<Object>) argument;
          return resolve(condition((String) branches.get(0)) ? branches.get(1) : branches.get(2));
        }
        case "Fn::Sub" -> {
          return argument instanceof String text ? substitute(text, Map.of())
              : substitute((String) ((List<Object>) argument).get(0), map(resolve(((List<Object>) argument).get(1))));
        }
        case "Fn::FindInMap" -> {
          List<Object> keys = (List<Object>) resolve(argument);
          Map<String, Map<String, Map<String, Object>>> mappings = (Map<String, Map<String, Map<String, Object>>>) template.get("Mappings");
          return mappings.get((String) keys.get(0)).get((String) keys.get(1)).get((String) keys.get(2));
        }
        case "Fn::Join" -> {
          List<Object> join = (List<Object>) resolve(argument);
          List<Object> parts = (List<Object>) join.get(1);
          if (parts.stream().allMatch(String.class::isInstance)) {
            return String.join((String) join.get(0), parts.stream().map(String.class::cast).toList());
          }
          return Map.of("Fn::Join", join);
        }
        default -> {
          // other functions and plain one-key mappings: resolve inside, keep the shape
        }
      }
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    map.forEach((key, item) -> {
      Object r = resolve(item);
      if (r != NO_VALUE) {
        resolved.put(key, r);
      }
    });
    return resolved;
  }

  /** Whether the template's condition of this name holds for this deployment. */
  @SuppressWarnings("unchecked")
  public boolean condition(String name) {
    Object definition = ((Map<String, Object>) template.get("Conditions")).get(name);
    if (definition == null) {
      throw new IllegalArgumentException("no condition " + name);
    }
    return holds(definition);
  }

  @SuppressWarnings("unchecked")
  private boolean holds(Object definition) {
    Map.Entry<String, Object> function = map(definition).entrySet().iterator().next();
    List<Object> arguments = function.getValue() instanceof List<?> list ? (List<Object>) list : List.of(function.getValue());
    return switch (function.getKey()) {
      case "Fn::Equals" -> String.valueOf(resolve(arguments.get(0))).equals(String.valueOf(resolve(arguments.get(1))));
      case "Fn::Not" -> !holds(arguments.get(0));
      case "Fn::And" -> arguments.stream().allMatch(this::holds);
      case "Fn::Or" -> arguments.stream().anyMatch(this::holds);
      case "Condition" -> condition((String) arguments.get(0));
      default -> throw new IllegalArgumentException("not a condition function: " + function.getKey());
    };
  }

  /** Fn::Sub: ${Parameter} and ${variable} replaced; ${Resource.Attribute} left as it is. */
  private String substitute(String text, Map<String, Object> variables) {
    Matcher matcher = SUB_VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      Object value = variables.containsKey(name) ? variables.get(name) : parameters.get(name);
      matcher.appendReplacement(out, Matcher.quoteReplacement(value instanceof String string ? string : matcher.group()));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static final class ShortForms extends SafeConstructor {
    ShortForms() {
      super(new LoaderOptions());
      for (String function : FUNCTIONS) {
        String longName = function.equals("Ref") || function.equals("Condition") ? function : "Fn::" + function;
        yamlConstructors.put(new Tag("!" + function), new AbstractConstruct() {
          @Override
          public Object construct(Node node) {
            Object value;
            if (node instanceof ScalarNode scalar) {
              value = constructScalar(scalar);
            } else if (node instanceof SequenceNode sequence) {
              value = constructSequence(sequence);
            } else {
              value = constructMapping((MappingNode) node);
            }
            return Map.of(longName, value);
          }
        });
      }
    }
  }

  /** A template mapping (resource properties, a list element) as parsed. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  /** A template list of mappings (security-group rules, environment entries) as parsed. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }
}
