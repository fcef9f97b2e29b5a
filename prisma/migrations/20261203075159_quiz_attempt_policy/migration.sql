-- AlterTable
ALTER TABLE "quiz_attempts" ADD COLUMN     "drawId" TEXT,
ADD COLUMN     "graded" JSONB;

-- CreateTable
CREATE TABLE "quiz_draws" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "quizKey" TEXT NOT NULL,
    "questions" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submittedAt" TIMESTAMP(3),

    CONSTRAINT "quiz_draws_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cohort_quiz_policies" (
    "cohortId" TEXT NOT NULL,
    "maxAttempts" INTEGER NOT NULL,
    "cooldownMinutes" INTEGER NOT NULL,
    "updatedById" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "cohort_quiz_policies_pkey" PRIMARY KEY ("cohortId")
);

-- CreateIndex
CREATE INDEX "quiz_draws_userId_quizKey_idx" ON "quiz_draws"("userId", "quizKey");

-- CreateIndex
CREATE UNIQUE INDEX "quiz_attempts_drawId_key" ON "quiz_attempts"("drawId");

-- AddForeignKey
ALTER TABLE "quiz_attempts" ADD CONSTRAINT "quiz_attempts_drawId_fkey" FOREIGN KEY ("drawId") REFERENCES "quiz_draws"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_draws" ADD CONSTRAINT "quiz_draws_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cohort_quiz_policies" ADD CONSTRAINT "cohort_quiz_policies_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one open (unsubmitted) draw per learner and quiz, even under concurrent requests.
-- Written by hand: Prisma's schema language has no partial unique index.
CREATE UNIQUE INDEX "quiz_draws_one_open_idx" ON "quiz_draws"("userId", "quizKey") WHERE "submittedAt" IS NULL;
