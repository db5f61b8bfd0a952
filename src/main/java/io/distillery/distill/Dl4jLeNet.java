package io.distillery.distill;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The engine's {@link LeNet} as a DL4J {@link MultiLayerNetwork} with the same parameters, so partners can load
 * trained weights with stock DL4J ({@code ModelSerializer.restoreMultiLayerNetwork}). The engine pools before its
 * ReLU; DL4J applies the ReLU in the convolution layer and pools after, the same function since max and ReLU
 * commute. The output layer is softmax (DL4J's form of a cross-entropy classifier): its outputs are the softmax of
 * the engine's logits. Parameters are set per layer by name ("W", "b") rather than by DL4J's flat order, so the
 * mapping does not depend on it; the shapes agree (conv W [out, in, kH, kW], dense W [in, out]), only the biases
 * are reshaped to DL4J's [1, n].
 */
public final class Dl4jLeNet {
    private Dl4jLeNet() {
    }

    /** A DL4J network computing softmax of {@code LeNet.forward(theta, x)} for this spec (float32). */
    public static MultiLayerNetwork build(ModelSpec spec, INDArray theta) {
        if (!"lenet".equals(spec.model())) {
            throw new DistillException("no DL4J export for model '" + spec.model() + "' (supported: lenet)");
        }
        LeNet lenet = new LeNet(spec, DataType.FLOAT);
        if (theta.length() != lenet.numParams()) {
            throw new DistillException("LeNet for " + spec + " has " + lenet.numParams() + " parameters, got "
                    + theta.length());
        }
        int pad = lenet.firstPadding();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(spec.channels()).nOut(6).stride(1, 1)
                        .padding(pad, pad).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).stride(1, 1).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(spec.numClasses())
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(spec.height(), spec.width(), spec.channels()))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray[] p = lenet.parameterViews(theta.castTo(DataType.FLOAT));
        int[] dl4jLayers = {0, 2, 4, 5, 6}; // the layers with parameters, in the engine's order
        for (int i = 0; i < dl4jLayers.length; i++) {
            INDArray w = p[2 * i];
            INDArray b = p[2 * i + 1];
            net.getLayer(dl4jLayers[i]).setParam("W", w);
            net.getLayer(dl4jLayers[i]).setParam("b", b.reshape(1, b.length()));
        }
        return net;
    }

    /** Writes {@link #build} as a DL4J model zip (no updater state). */
    public static void write(ModelSpec spec, INDArray theta, Path zip) throws IOException {
        ModelSerializer.writeModel(build(spec, theta), zip.toFile(), false);
    }
}
