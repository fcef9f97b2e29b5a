import { expect, it } from 'vitest'
import { drawDiagram } from './render-diagram'

it('draws the lesson page own HA diagram as SVG with its stylesheet and description', async () => {
  const drawn = await drawDiagram('ha-architecture')
  expect(drawn?.markup).toMatch(/<svg[^>]*viewBox="0 0 780 430"/)
  expect(drawn?.markup).toContain('HelixAgent instance 3')
  expect(drawn?.css).toMatch(/\.mdx_diagram\b/)
  expect(drawn?.description).toMatch(
    /^A highly available load balancer spreads traffic over three HelixAgent instances/,
  )
  expect(await drawDiagram('no-such-diagram')).toBeNull()
}, 120_000)
