#!/usr/bin/env bats
# tests/vm/check-harness: a file that runs whole before the guest dies.

@test "selftest: first of the file before" {
	true
}

@test "selftest: second of the file before" {
	true
}
