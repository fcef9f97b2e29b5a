import 'server-only'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from '@/generated/prisma/client'
import { webConfig } from './config'

// One client per process, created on first use (never at build time) and kept on globalThis
// so dev-mode hot reloads do not open new pools.
const globalForPrisma = globalThis as unknown as { academyPrisma?: PrismaClient }

export function db(): PrismaClient {
  globalForPrisma.academyPrisma ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: webConfig().DATABASE_URL }),
  })
  return globalForPrisma.academyPrisma
}
