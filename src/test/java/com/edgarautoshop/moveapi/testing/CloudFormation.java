package com.edgarautoshop.moveapi.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * forms ({Ref: X}, {Fn::Sub: ...}), and {@link #resolve} substitutes parameters as a deployment would.
 */
public final class CloudFormation {
  private static final List<String> FUNCTIONS = List.of("Ref", "Sub", "If", "Not", "Equals", "GetAtt", "Join", "Select", "Split");

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
      Map<String, String> parameters = new java.util.HashMap<>();
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

  /** The names of the template's parameters. */
  @SuppressWarnings("unchecked")
  public Set<String> parameterNames() {
    return ((Map<String, Object>) template.get("Parameters")).keySet();
  }

  /** A value with {Ref: parameter} replaced by the parameter's value; other values as they are. */
  public Object resolve(Object value) {
    if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Ref")) {
      String name = String.valueOf(map.get("Ref"));
      if (!parameters.containsKey(name)) {
        throw new IllegalArgumentException("no value for parameter " + name);
      }
      return parameters.get(name);
    }
    return value;
  }

  private static final class ShortForms extends SafeConstructor {
    ShortForms() {
      super(new LoaderOptions());
      for (String function : FUNCTIONS) {
        String longName = function.equals("Ref") ? "Ref" : "Fn::" + function;
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
