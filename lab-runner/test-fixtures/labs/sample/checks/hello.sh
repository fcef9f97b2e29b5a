#!/bin/bash
if grep -qx hello /tmp/hello 2>/dev/null; then exit 0; fi
echo "FAIL: /tmp/hello does not contain hello"
echo "HINT: echo hello > /tmp/hello"
exit 1
