#!/bin/bash
# Setup hook: runs once the sandbox is up, before it is reported ready.
echo "prepared for seed ${ACADEMY_SEED}" > /etc/motd
