import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AppError } from '@/server/errors'
import { jsonResponse, jsonRoute, type Authenticate } from './json-route'

const anyone: Authenticate<string> = async () => ({ ok: true, actor: 'ada' })
const nobody: Authenticate<string> = async () => ({
  ok: false,
  response: jsonResponse(401, { error: 'Sign in.' }),
})

const post = (body: string, type = 'application/json') =>
  new Request('http://localhost/api/x?range=60', { method: 'POST', headers: { 'content-type': type }, body })

async function answer(response: Response) {
  return {
    status: response.status,
    json: await response.json(),
    cache: response.headers.get('cache-control'),
  }
}

describe('jsonRoute', () => {
  const route = jsonRoute(
    { authenticate: anyone, body: z.object({ name: z.string().min(1) }), maxBodyBytes: 64 },
    async ({ actor, body, params }) => {
      if (body.name === 'taken') throw new AppError('conflict', 'That name is taken.')
      return { actor, name: body.name, slug: params.slug }
    },
  )
  const context = { params: Promise.resolve({ slug: 'ha-setup' }) }

  it('hands the handler the actor, the validated body and the params; answers JSON, not cached', async () => {
    expect(await answer(await route(post('{"name":"x"}'), context))).toEqual({
      status: 200,
      json: { actor: 'ada', name: 'x', slug: 'ha-setup' },
      cache: 'no-store',
    })
  })

  it('answers one status per kind of bad body', async () => {
    expect((await route(post('{"name":"x"}', 'text/plain'), context)).status).toBe(415)
    expect((await route(post(JSON.stringify({ name: 'x'.repeat(100) })), context)).status).toBe(413)
    expect(await answer(await route(post('{name'), context))).toMatchObject({
      status: 400,
      json: { error: 'The request body is not valid JSON.', code: 'invalid' },
    })
    expect(await answer(await route(post('{"name":""}'), context))).toMatchObject({
      status: 400,
      json: { error: expect.stringContaining('name: '), code: 'invalid' },
    })
  })

  it('maps an AppError to its status and message', async () => {
    expect(await answer(await route(post('{"name":"taken"}'), context))).toMatchObject({
      status: 409,
      json: { error: 'That name is taken.', code: 'conflict' },
    })
  })

  it('answers the refusal of authentication without reading the body', async () => {
    const refused = jsonRoute({ authenticate: nobody }, async () => ({ ran: true }))
    expect(await answer(await refused(post('not json')))).toMatchObject({
      status: 401,
      json: { error: 'Sign in.' },
    })
  })

  it('requires a JSON object when the route has no body schema; GET has no body', async () => {
    const open = jsonRoute({ authenticate: anyone }, async ({ body, query }) => ({
      body,
      range: query.get('range'),
    }))
    expect((await open(post('[1,2]'))).status).toBe(400)
    expect(await answer(await open(new Request('http://localhost/api/x?range=60')))).toMatchObject({
      status: 200,
      json: { body: {}, range: '60' },
    })
  })
})
