import styles from './mdx.module.css'

interface Box {
  x: number
  y: number
  w: number
  h: number
  title: string
  sub?: string
  tone?: 'lb' | 'app' | 'db' | 'cache'
}

function Node({ x, y, w, h, title, sub, tone = 'app' }: Box) {
  return (
    <g className={styles[`dg_${tone}`]}>
      <rect x={x} y={y} width={w} height={h} rx={10} />
      <text
        x={x + w / 2}
        y={y + (sub ? h / 2 - 4 : h / 2 + 5)}
        textAnchor="middle"
        className={styles.dgTitle}
      >
        {title}
      </text>
      {sub && (
        <text x={x + w / 2} y={y + h / 2 + 15} textAnchor="middle" className={styles.dgSub}>
          {sub}
        </text>
      )}
    </g>
  )
}

function Arrow({ x1, y1, x2, y2 }: { x1: number; y1: number; x2: number; y2: number }) {
  return <line x1={x1} y1={y1} x2={x2} y2={y2} className={styles.dgEdge} markerEnd="url(#dg-arrow)" />
}

/** The course's reference HA architecture (video 1.1), drawn as an accessible SVG. */
function HaArchitecture() {
  const apps = [40, 290, 540]
  return (
    <svg viewBox="0 0 780 430" role="img" aria-labelledby="dg-ha-title dg-ha-desc" className={styles.diagram}>
      <title id="dg-ha-title">HelixAgent high-availability architecture</title>
      <desc id="dg-ha-desc">
        A highly available load balancer spreads traffic over three HelixAgent instances, two in the primary
        zone and one in a secondary zone. All instances use a PostgreSQL primary with streaming replicas,
        reached through PgBouncer, and a three-node Redis Cluster.
      </desc>
      <defs>
        <marker
          id="dg-arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" className={styles.dgArrowHead} />
        </marker>
      </defs>
      <Node
        x={190}
        y={16}
        w={400}
        h={60}
        title="Load balancer (HA pair)"
        sub="HAProxy / NGINX / ALB · health checks on /health"
        tone="lb"
      />
      {apps.map((x, i) => (
        <g key={x}>
          <Arrow x1={390} y1={76} x2={x + 100} y2={140} />
          <Node
            x={x}
            y={142}
            w={200}
            h={64}
            title={`HelixAgent instance ${i + 1}`}
            sub={i < 2 ? 'primary zone' : 'secondary zone'}
          />
        </g>
      ))}
      {apps.map((x) => (
        <g key={`e${x}`}>
          <Arrow x1={x + 100} y1={206} x2={200} y2={268} />
          <Arrow x1={x + 100} y1={206} x2={580} y2={268} />
        </g>
      ))}
      <rect x={40} y={270} width={330} height={144} rx={12} className={styles.dgGroup} />
      <text x={56} y={292} className={styles.dgGroupTitle}>
        PostgreSQL
      </text>
      <Node x={60} y={302} w={290} h={34} title="PgBouncer (transaction pooling)" tone="db" />
      <Node x={60} y={348} w={135} h={50} title="Primary" sub="read/write" tone="db" />
      <Node x={215} y={348} w={135} h={50} title="Replica(s)" sub="streaming, hot standby" tone="db" />
      <line x1={195} y1={373} x2={213} y2={373} className={styles.dgEdge} markerEnd="url(#dg-arrow)" />
      <rect x={410} y={270} width={330} height={144} rx={12} className={styles.dgGroup} />
      <text x={426} y={292} className={styles.dgGroupTitle}>
        Redis Cluster · 16384 slots
      </text>
      {[0, 1, 2].map((i) => (
        <Node
          key={i}
          x={425 + i * 105}
          y={310}
          w={95}
          h={84}
          title={`node ${i + 1}`}
          sub={['0–5460', '5461–10922', '10923–16383'][i]}
          tone="cache"
        />
      ))}
    </svg>
  )
}

const DIAGRAMS = { 'ha-architecture': HaArchitecture } as const

export function Diagram({ name }: { name: string }) {
  const Drawing = DIAGRAMS[name as keyof typeof DIAGRAMS]
  if (!Drawing) return <p className="alert error">Unknown diagram “{name}”.</p>
  return (
    <figure className={styles.diagramFigure}>
      <Drawing />
    </figure>
  )
}
