// The course's tracing setup reports ServiceVersion 1.0.0; the suffix tells operators this is
// the training stand-in, not the real Go service.
export const HELIXAGENT_VERSION = '1.0.0-standin'
