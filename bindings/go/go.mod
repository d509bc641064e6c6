module ingroute.dev/ingroute

go 1.24
