// Intentionally empty: lets server modules load under Vitest (see vitest.config.ts).
