package io.stowage.jenkins

/**
 * What every stowage* step shares: checking its map arguments and quoting a `stowage` command
 * line for `sh`. Pure functions (no pipeline steps), so the steps stay the only place that runs
 * anything and these are safe outside CPS.
 */
class Args implements Serializable {

  /** Argument types a step declares: the name shown in error messages, and the check. */
  static final Map<String, Closure> TYPES = [
    String : { v -> v instanceof CharSequence },
    // Build numbers and the like: a string or a whole number.
    Text   : { v -> v instanceof CharSequence || v instanceof Integer || v instanceof Long },
    Boolean: { v -> v instanceof Boolean },
    List   : { v -> v instanceof List && v.every { it instanceof CharSequence } },
    Map    : { v -> v instanceof Map && v.keySet().every { it instanceof CharSequence } },
  ].asImmutable()

  /** What to do about a missing argument that other steps or Jenkins usually provide. */
  static final Map<String, String> HINTS = [
    url          : 'pass url: or call stowageSetup first',
    credentialsId: 'pass credentialsId: (a Secret text credential) or call stowageSetup first',
    buildName    : 'pass buildName:, or run in a job (JOB_NAME)',
    buildNumber  : 'pass buildNumber:, or run in a job (BUILD_NUMBER)',
  ].asImmutable()

  /**
   * The problems with `config` for `step`: keys not in `types`, values of the wrong type, and
   * `required` keys that are missing (null or empty) from `merged` (the config over the
   * defaults). An empty list when there are none.
   */
  @NonCPS
  static List<String> problems(String step, Map config, Map merged, Map<String, String> types,
                               List<String> required) {
    List<String> found = []
    config.keySet().findAll { !types.containsKey(it as String) }.each { key ->
      found << "unknown argument '${key}' (known: ${types.keySet().sort().join(', ')})".toString()
    }
    types.each { String key, String type ->
      def value = config[key]
      if (value != null && !TYPES[type](value)) {
        String desc = type == 'List' ? 'a List of Strings' : (type == 'Map' ? 'a Map' :
            (type == 'Text' ? 'a String or a number' : "a ${type}"))
        found << "'${key}' must be ${desc}, not ${value.getClass().simpleName}".toString()
      }
    }
    required.each { key ->
      def value = merged[key]
      if (value == null || ((value instanceof CharSequence || value instanceof Collection) && value.isEmpty())) {
        found << "'${key}' is required${HINTS[key] ? " (${HINTS[key]})" : ''}".toString()
      }
    }
    return found.collect { "${step}: ${it}".toString() }
  }

  /** One shell word: `value` in single quotes, a quote inside written as '\''. */
  @NonCPS
  static String quote(Object value) {
    return "'" + value.toString().replace("'", "'\\''") + "'"
  }

  /**
   * The command line: `cli` as written (it is shell, e.g. `node /opt/stowage/stowage.mjs`) and
   * every argument quoted.
   */
  @NonCPS
  static String command(String cli, List args) {
    return ([cli] + args.collect { quote(it) }).join(' ')
  }

  /** The global options every command takes: the server and the build. */
  @NonCPS
  static List<String> globals(Map config) {
    List<String> args = []
    if (config.url) args += ['--url', config.url.toString()]
    if (config.buildName) args += ['--build-name', config.buildName.toString()]
    if (config.buildNumber != null && config.buildNumber.toString()) {
      args += ['--build-number', config.buildNumber.toString()]
    }
    return args
  }

  /**
   * A properties map as the CLI's --props value: `;` between properties, `,` between the values
   * of a List, and either escaped with `\` inside a value.
   */
  @NonCPS
  static String props(Map props) {
    Closure esc = { v -> v.toString().replace('\\', '\\\\').replace(';', '\\;').replace(',', '\\,') }
    return props.collect { k, v ->
      List values = v instanceof Collection ? (v as List) : [v]
      "${esc(k)}=${values.collect { esc(it) }.join(',')}"
    }.join(';')
  }
}
