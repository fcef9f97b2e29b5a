-- AlterTable
ALTER TABLE "lesson_progress" ADD COLUMN     "earnedAt" TIMESTAMP(3),
ADD COLUMN     "earnedBy" TEXT,
ADD COLUMN     "readStartedAt" TIMESTAMP(3),
ADD COLUMN     "videoReportedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "check_runs" ADD COLUMN     "requestKey" TEXT,
ADD COLUMN     "response" JSONB;

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "certificates" ADD COLUMN     "learnerName" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "check_locks" (
    "userId" TEXT NOT NULL,
    "requestKey" TEXT NOT NULL,
    "labSlug" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "check_locks_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "cohort_grading_policies" (
    "cohortId" TEXT NOT NULL,
    "lessonWeight" INTEGER NOT NULL,
    "quizWeight" INTEGER NOT NULL,
    "labWeight" INTEGER NOT NULL,
    "partialCredit" BOOLEAN NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "cohort_grading_policies_pkey" PRIMARY KEY ("cohortId")
);

-- CreateIndex
CREATE UNIQUE INDEX "check_runs_userId_requestKey_key" ON "check_runs"("userId", "requestKey");

-- AddForeignKey
ALTER TABLE "cohort_grading_policies" ADD CONSTRAINT "cohort_grading_policies_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Certificates issued before names were frozen keep the name the account has now.
UPDATE "certificates" c SET "learnerName" = u."name" FROM "users" u WHERE u."id" = c."userId";

-- Tokens made before scopes existed keep read access only, and expire in 90 days.
UPDATE "api_tokens" SET "scopes" = ARRAY['grades:read'], "expiresAt" = CURRENT_TIMESTAMP + INTERVAL '90 days'
WHERE "expiresAt" IS NULL;
