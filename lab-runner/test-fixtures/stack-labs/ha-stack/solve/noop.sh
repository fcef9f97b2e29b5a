#!/bin/bash
# Nothing to solve: the stack is correct as provisioned.
exit 0
