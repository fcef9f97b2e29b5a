-- CreateEnum
CREATE TYPE "RecordingState" AS ENUM ('uploading', 'processing', 'ready', 'failed');

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'author';

-- CreateTable
CREATE TABLE "lesson_recordings" (
    "id" TEXT NOT NULL,
    "courseSlug" TEXT NOT NULL,
    "lessonSlug" TEXT NOT NULL,
    "uploadId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "state" "RecordingState" NOT NULL DEFAULT 'uploading',
    "stage" TEXT,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "durationS" DOUBLE PRECISION,
    "renditions" INTEGER[],
    "uploadedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "readyAt" TIMESTAMP(3),

    CONSTRAINT "lesson_recordings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lesson_media" (
    "lessonSlug" TEXT NOT NULL,
    "captionsVtt" TEXT,
    "chapters" JSONB,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "lesson_media_pkey" PRIMARY KEY ("lessonSlug")
);

-- CreateIndex
CREATE UNIQUE INDEX "lesson_recordings_uploadId_key" ON "lesson_recordings"("uploadId");

-- CreateIndex
CREATE INDEX "lesson_recordings_lessonSlug_state_idx" ON "lesson_recordings"("lessonSlug", "state");

-- AddForeignKey
ALTER TABLE "lesson_recordings" ADD CONSTRAINT "lesson_recordings_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
