-- CreateTable
CREATE TABLE "error_log_entries" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "instance" TEXT NOT NULL,
    "requestId" TEXT,
    "message" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "error_log_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "error_log_entries_at_idx" ON "error_log_entries"("at");
