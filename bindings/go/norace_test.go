//go:build !race

package ingroute_test

const raceEnabled = false
