-- CreateTable
CREATE TABLE "lab_pool_settings" (
    "labSlug" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "lab_pool_settings_pkey" PRIMARY KEY ("labSlug")
);

-- CreateTable
CREATE TABLE "scheduled_lab_sessions" (
    "id" TEXT NOT NULL,
    "cohortId" TEXT NOT NULL,
    "labSlug" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "seats" INTEGER NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "scheduled_lab_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scheduled_lab_sessions_cohortId_startsAt_idx" ON "scheduled_lab_sessions"("cohortId", "startsAt");

-- CreateIndex
CREATE INDEX "scheduled_lab_sessions_endsAt_idx" ON "scheduled_lab_sessions"("endsAt");

-- AddForeignKey
ALTER TABLE "scheduled_lab_sessions" ADD CONSTRAINT "scheduled_lab_sessions_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
