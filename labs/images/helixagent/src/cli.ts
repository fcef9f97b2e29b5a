import { runCli } from './cli-run'

/** `helixagent verify|version`: talks to a running service over HTTP. */
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
})
process.exitCode = code
