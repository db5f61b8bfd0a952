package io.distillery.distill;

/**
 * What rebuilds a network: architecture name, input shape and number of classes. With the init seed
 * (fixed-init mode) it reproduces θ0 exactly, which is what lets the distilled data stand in for the
 * trained model.
 */
public record ModelSpec(String model, int channels, int height, int width, int numClasses) {

    public static Network create(ModelSpec spec, org.nd4j.linalg.api.buffer.DataType type) {
        return switch (spec.model()) {
            case "lenet" -> new LeNet(spec, type);
            default -> throw new DistillException("unknown model '" + spec.model() + "' (supported: lenet)");
        };
    }
}
