module example.invalid/strongroom/bindings/go

go 1.19
