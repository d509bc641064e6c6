module ingroute.dev/go-proxy

go 1.24

require ingroute.dev/ingroute v0.0.0

replace ingroute.dev/ingroute => ../../bindings/go
