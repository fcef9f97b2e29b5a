#!/bin/bash
# The cheapest possible check: measures the runner's check overhead (exec into the grader).
exit 0
