/*
 * A small stand-in for Jenkins Pipeline, enough to run the library's vars/*.groovy for real:
 *
 *   groovy test/pipeline.groovy <library dir> <scenario.groovy>
 *
 * Each vars/<step>.groovy is parsed with GroovyShell (the library's src/ on the class path, as in
 * Jenkins) and bound as a global step. The pipeline steps the library uses are bound too:
 *   sh              really runs the script with `sh -xe` (as Jenkins does) in $WORKSPACE, with
 *                   `env` plus the variables withCredentials set, and fails on a non-zero exit
 *   withCredentials sets each string credential's variable for the closure only
 *   string, choice  return their arguments (what Jenkins instantiates later)
 *   input           records the call and returns the next answer the scenario queued (with the
 *                   submitterParameter set to HARNESS_SUBMITTER, as Jenkins adds who answered)
 *   libraryResource reads <library>/resources/<path> (text, or Base64 with encoding: 'Base64')
 *   writeFile       writes a file relative to $WORKSPACE (text, or Base64-decoded)
 *   fileExists, pwd the workspace's files, and $WORKSPACE
 *   error           throws PipelineError (Jenkins: hudson.AbortException)
 *   echo            prints
 *   env             a map: the process environment (JOB_NAME, BUILD_NUMBER, WORKSPACE, …)
 * Credentials come from HARNESS_CREDENTIALS (JSON: id → secret), which the pipeline never sees.
 * The scenario runs with the same binding (it also gets `harness`); its return value and every
 * recorded step call are printed as one JSON line prefixed with "HARNESS-RESULT ".
 */
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.customizers.ImportCustomizer

class PipelineError extends RuntimeException {
  PipelineError(String message) { super(message) }
}

class Harness {
  File lib
  Map<String, String> env = [:]
  Map<String, String> credentials = [:]
  /** Variables set by withCredentials around the running closure. */
  List<Map<String, String>> credentialEnv = []
  /** Answers `input` returns, in order. */
  List answers = []
  /** Every step call: [step: 'sh', script: …] and so on. */
  List<Map> calls = []

  Object sh(Object arg) {
    Map opts = arg instanceof Map ? arg : [script: arg.toString()]
    String script = opts.script.toString()
    calls << [step: 'sh', label: opts.label?.toString(), script: script]
    ProcessBuilder pb = new ProcessBuilder('sh', '-xe', '-c', script)
    pb.directory(new File(env.WORKSPACE ?: '.'))
    Map<String, String> penv = pb.environment()
    penv.clear()
    env.each { k, v -> if (v != null) penv.put(k.toString(), v.toString()) }
    credentialEnv.each { vars -> penv.putAll(vars) }
    pb.redirectError(ProcessBuilder.Redirect.INHERIT)
    Process p = pb.start()
    p.outputStream.close()
    String out = p.inputStream.getText('UTF-8')
    int code = p.waitFor()
    if (opts.returnStatus) {
      print(out)
      return code
    }
    if (code != 0) {
      print(out)
      throw new PipelineError("script returned exit code ${code}")
    }
    if (opts.returnStdout) return out
    print(out)
    return null
  }

  Object withCredentials(List bindings, Closure body) {
    Map<String, String> vars = [:]
    bindings.each { Map b ->
      if (b.$symbol != 'string') throw new PipelineError("unsupported credentials binding ${b}")
      String secret = credentials[b.credentialsId?.toString()]
      if (secret == null) {
        throw new PipelineError("Could not find credentials entry with ID '${b.credentialsId}'")
      }
      vars[b.variable.toString()] = secret
    }
    calls << [step: 'withCredentials', ids: bindings.collect { it.credentialsId?.toString() }]
    credentialEnv << vars
    try {
      return body.call()
    } finally {
      credentialEnv.remove(credentialEnv.size() - 1)
    }
  }

  Object input(Map args) {
    calls << [step: 'input', message: args.message?.toString(), ok: args.ok?.toString(),
              submitter: args.submitter?.toString(),
              parameters: args.parameters.collect { p -> p.collectEntries { k, v -> [k, v instanceof List ? v.collect { it.toString() } : v?.toString()] } }]
    if (answers.isEmpty()) throw new PipelineError('input: the scenario queued no answer')
    Object answer = answers.remove(0)
    // Jenkins adds the answering user under submitterParameter (a Map answer then).
    if (args.submitterParameter) {
      Map withSubmitter = answer instanceof Map ? new LinkedHashMap(answer) : [value: answer]
      withSubmitter[args.submitterParameter.toString()] = env.HARNESS_SUBMITTER ?: 'anonymous'
      calls[-1].submitterParameter = args.submitterParameter.toString()
      return withSubmitter
    }
    return answer
  }

  File file(String path) {
    File f = new File(path)
    return f.absolute ? f : new File(env.WORKSPACE ?: '.', path)
  }

  Object libraryResource(Object arg) {
    Map opts = arg instanceof Map ? arg : [resource: arg.toString()]
    calls << [step: 'libraryResource', resource: opts.resource.toString()]
    File f = new File(new File(lib, 'resources'), opts.resource.toString())
    if (!f.isFile()) throw new PipelineError("No such library resource ${opts.resource} could be found.")
    return opts.encoding == 'Base64' ? f.bytes.encodeBase64().toString() : f.getText('UTF-8')
  }

  Object writeFile(Map opts) {
    calls << [step: 'writeFile', file: opts.file.toString()]
    File f = file(opts.file.toString())
    f.parentFile.mkdirs()
    if (opts.encoding == 'Base64') f.bytes = opts.text.toString().decodeBase64()
    else f.setText(opts.text.toString(), 'UTF-8')
    return null
  }

  boolean fileExists(String path) {
    return file(path).exists()
  }
}

// What the steps print is UTF-8 whatever the machine's locale.
System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, 'UTF-8'))

if (args.length != 2) {
  System.err.println('usage: groovy pipeline.groovy <library dir> <scenario.groovy>')
  System.exit(2)
}
File lib = new File(args[0]).canonicalFile
File scenario = new File(args[1]).canonicalFile

Harness harness = new Harness()
harness.lib = lib
harness.env.putAll(System.getenv())
String creds = harness.env.remove('HARNESS_CREDENTIALS')
if (creds) harness.credentials.putAll(new JsonSlurper().parseText(creds) as Map)

Binding binding = new Binding()
binding.setVariable('harness', harness)
binding.setVariable('env', harness.env)
binding.setVariable('sh', { Object a -> harness.sh(a) })
binding.setVariable('withCredentials', { List b, Closure c -> harness.withCredentials(b, c) })
binding.setVariable('string', { Map a -> [$symbol: 'string'] + a })
binding.setVariable('choice', { Map a -> [$symbol: 'choice'] + a })
binding.setVariable('input', { Map a -> harness.input(a) })
binding.setVariable('libraryResource', { Object a -> harness.libraryResource(a) })
binding.setVariable('writeFile', { Map a -> harness.writeFile(a) })
binding.setVariable('fileExists', { String p -> harness.fileExists(p) })
binding.setVariable('pwd', { -> harness.env.WORKSPACE })
binding.setVariable('error', { String m -> throw new PipelineError(m) })
binding.setVariable('echo', { Object m -> println(m) })

CompilerConfiguration cc = new CompilerConfiguration()
cc.classpathList = [new File(lib, 'src').path, new File(lib, 'test/stubs').path]
// Jenkins imports @NonCPS for library code.
cc.addCompilationCustomizers(new ImportCustomizer().addImports('com.cloudbees.groovy.cps.NonCPS'))
GroovyShell shell = new GroovyShell(this.class.classLoader, binding, cc)

List<String> steps = []
new File(lib, 'vars').listFiles().findAll { it.name.endsWith('.groovy') }.sort { it.name }.each { f ->
  String name = f.name[0..-8]
  Script step = shell.parse(f)
  step.binding = binding
  binding.setVariable(name, { Map config = [:] -> step.invokeMethod('call', [config] as Object[]) })
  steps << name
}

Object result
String failure = null
try {
  result = shell.evaluate(scenario)
} catch (Throwable t) {
  failure = "${t.class.simpleName}: ${t.message}".toString()
  t.printStackTrace()
}
println('HARNESS-RESULT ' + JsonOutput.toJson([steps: steps, result: result, failure: failure,
                                                calls: harness.calls]))
System.exit(failure ? 1 : 0)
