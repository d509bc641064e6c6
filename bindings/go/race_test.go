//go:build race

package ingroute_test

const raceEnabled = true
