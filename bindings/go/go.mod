module github.com/strongroom/strongroom/bindings/go

go 1.19
