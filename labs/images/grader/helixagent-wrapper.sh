#!/bin/sh
# `helixagent verify --provider <name> [--verbose] [--test auth]`, `helixagent version`:
# the HelixAgent stand-in's CLI, bundled into /opt/helixagent by the image builder.
exec node /opt/helixagent/helixagent-cli.mjs "$@"
