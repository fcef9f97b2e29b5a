// The parser behind the lab tests' "every runnable command exists on its host" check.
import { describe, expect, it } from 'vitest'
import { programOf, splitCommands } from './runnable-commands'

function programs(text: string): string[] {
  const functions = new Set<string>()
  return splitCommands(text).flatMap((c) => programOf(c, functions) ?? [])
}

describe('runnable command parsing', () => {
  it('finds the program of every simple command, across operators, pipes and loops', () => {
    expect(programs('pg_ctl -D "$PGDATA" stop -m fast && rm -rf "$PGDATA"/*')).toEqual(['pg_ctl', 'rm'])
    expect(
      programs(
        "for i in $(seq 1 30); do curl -s -o /dev/null -w '%{http_code} ' http://lb:8080/; sleep 0.3; done; echo",
      ),
    ).toEqual(['curl', 'sleep', 'echo'])
    expect(
      programs('haproxy -c -f x.cfg 2>&1 | grep -v ok || kill -USR2 "$(cat /run/haproxy/haproxy.pid)"'),
    ).toEqual(['haproxy', 'grep', 'kill'])
  })

  it('follows quotes and continuations over lines, and skips heredoc bodies, comments and assignments', () => {
    expect(programs("jq -rR 'fromjson? | select(.a)\n  | .b' /var/log/x.log \\\n  | sort | uniq -c")).toEqual(
      ['jq', 'sort', 'uniq'],
    )
    expect(programs("cat > ~/report.md <<'MD'\n# Title\n| a | b |\nMD\nls -l ~")).toEqual(['cat', 'ls'])
    expect(
      programs(
        'PROVIDER=deepseek   # the suspect\nTRACE=$(jq -r .x f | tail -n 1)\nhelixagent verify --provider "$PROVIDER"',
      ),
    ).toEqual(['helixagent'])
  })

  it('treats functions the block defines and scripts the learner writes as not programs to find', () => {
    expect(
      programs("q() { curl -s http://p:9090 --data-urlencode \"query=$1\" | jq -c '.data'; }\nq 'up'"),
    ).toEqual(['curl', 'jq'])
    expect(programs('chmod +x ~/backup.sh && ~/backup.sh && ls -l /mnt/backup/')).toEqual(['chmod', 'ls'])
  })
})
