#!/usr/bin/env bash
# One-shot (root, CHOWN/DAC_OVERRIDE/FOWNER only): the learner's starting configs. Docker has
# copied the prometheus image's own /etc/prometheus into the empty volume; replace it with the
# lab's starters, owned by the learner (uid 1000) and readable by Prometheus/Alertmanager.
set -euo pipefail
if [ -e /etc/prometheus/.lab-initialised ]; then exit 0; fi
rm -rf /etc/prometheus/* /etc/alertmanager/*
mkdir -p /etc/prometheus/rules /etc/prometheus/tests
cp /lab/starter/prometheus.yml /etc/prometheus/prometheus.yml
cp /lab/starter/rules/*.yml /etc/prometheus/rules/
cp /lab/starter/alertmanager.yml /etc/alertmanager/alertmanager.yml
cp /lab/starter/dashboard.yaml /dashboards/helixagent.yaml
chown -R 1000:1000 /etc/prometheus /etc/alertmanager /dashboards
chmod -R u+rwX,go+rX,go-w /etc/prometheus /etc/alertmanager /dashboards
touch /etc/prometheus/.lab-initialised
