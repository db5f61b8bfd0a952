package io.distillery.distill;

/**
 * What rebuilds a network: architecture name, input shape, number of classes and, for the models that have
 * one, the network width (channels of ConvNet's blocks, AlexNet's channel scale; 0 selects the model's
 * default). With the init seed (fixed-init mode) it reproduces θ0 exactly, which is what lets the distilled
 * data stand in for the trained model.
 */
public record ModelSpec(String model, int channels, int height, int width, int numClasses, int netWidth) {
    public static final String MODELS = "lenet, convnet, alexnet";

    public ModelSpec {
        if (netWidth == 0) {
            netWidth = defaultNetWidth(model);
        }
    }

    /** A model of its default width. */
    public ModelSpec(String model, int channels, int height, int width, int numClasses) {
        this(model, channels, height, width, numClasses, 0);
    }

    /** The references' widths: ConvNet 128 channels, AlexNet 64 (torchvision's); LeNet has none (0). */
    public static int defaultNetWidth(String model) {
        return switch (model) {
            case "convnet" -> 128;
            case "alexnet" -> 64;
            default -> 0;
        };
    }

    /** The network; a {@link DistillException} names the problem if the input size does not fit the model. */
    public static Network create(ModelSpec spec, org.nd4j.linalg.api.buffer.DataType type) {
        return switch (spec.model()) {
            case "lenet" -> {
                if (spec.netWidth() != 0) {
                    throw new DistillException("lenet has a fixed width; a network width applies to convnet and alexnet");
                }
                yield new LeNet(spec, type);
            }
            case "convnet" -> new ConvNet(spec, type);
            case "alexnet" -> new AlexNet(spec, type);
            default -> throw new DistillException("unknown model '" + spec.model() + "' (supported: " + MODELS + ")");
        };
    }
}
