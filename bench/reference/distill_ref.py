#!/usr/bin/python3
"""PyTorch reference of the same soft-label dataset distillation (issue 4), with exact second-order autograd.

Used only to compare trajectories and seconds per iteration with the ND4J engine on the same machine; the
product never runs it. Same algorithm and defaults as `distill`: LeNet (conv5-6 pad 2, pool, conv5-16, pool,
120, 84, K; ReLU), Xavier-normal weights, zero biases, images N(0,1), one-hot labels cycling through the
classes over all images in step order, eta_t = softplus(raw_t) starting at --distill-lr, inner loss
-mean sum_c y_c log softmax, outer Adam (lr, betas 0.5/0.999) on images, labels and raw lrs, real batch
sampled without replacement every iteration, inputs standardised with the training split's mean and std.

Run with Debian's torch: /usr/bin/python3 bench/reference/distill_ref.py --data FILE.npz [options]
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(path):
    z = np.load(path)
    def split(name):
        x = z[name + "_images"].astype(np.float32) / 255.0
        y = z[name + "_labels"].reshape(-1).astype(np.int64)
        return x, y
    tx, ty = split("train")
    ex, ey = split("test")
    mean, std = tx.mean(dtype=np.float64), tx.std(dtype=np.float64)
    norm = lambda x: torch.from_numpy(((x - mean) / std).astype(np.float32)).unsqueeze(1)
    return norm(tx), torch.from_numpy(ty), norm(ex), torch.from_numpy(ey), int(max(ty.max(), ey.max()) + 1)


class LeNet:
    """Functional LeNet over one flat parameter vector, so an inner step is a vector update."""

    def __init__(self, k, side=28):
        pad = 2 if side == 28 else 0
        s1 = side + 2 * pad - 4
        s2 = s1 // 2 - 4
        flat = 16 * (s2 // 2) ** 2
        self.pad = pad
        self.shapes = [((6, 1, 5, 5), 25, 150), ((6,), 0, 0), ((16, 6, 5, 5), 150, 400), ((16,), 0, 0),
                       ((120, flat), flat, 120), ((120,), 0, 0), ((84, 120), 120, 84), ((84,), 0, 0),
                       ((k, 84), 84, k), ((k,), 0, 0)]
        self.numel = sum(math.prod(s) for s, _, _ in self.shapes)

    def init(self, gen):
        parts = []
        for shape, fan_in, fan_out in self.shapes:
            if fan_in == 0:
                parts.append(torch.zeros(math.prod(shape)))
            else:
                std = math.sqrt(2.0 / (fan_in + fan_out))
                parts.append(torch.randn(math.prod(shape), generator=gen) * std)
        return torch.cat(parts)

    def forward(self, theta, x):
        p, o = [], 0
        for shape, _, _ in self.shapes:
            n = math.prod(shape)
            p.append(theta[o:o + n].view(shape))
            o += n
        h = F.max_pool2d(F.relu(F.conv2d(x, p[0], p[1], padding=self.pad)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, p[2], p[3])), 2).flatten(1)
        h = F.relu(F.linear(h, p[4], p[5]))
        h = F.relu(F.linear(h, p[6], p[7]))
        return F.linear(h, p[8], p[9])


def soft_ce(logits, y):
    return -(y * F.log_softmax(logits, 1)).sum(1).mean()


def unroll(net, theta0, images, labels, raw_lr, steps, n, create_graph):
    theta = theta0.detach().requires_grad_(True)
    for t in range(raw_lr.numel()):
        s = t % steps
        loss = soft_ce(net.forward(theta, images[s * n:(s + 1) * n]), labels[s * n:(s + 1) * n])
        g, = torch.autograd.grad(loss, theta, create_graph=create_graph)
        theta = theta - F.softplus(raw_lr[t]) * g
        if not create_graph:
            theta = theta.detach().requires_grad_(True)
    return theta


def accuracy(net, theta, x, y):
    with torch.no_grad():
        return (net.forward(theta, x).argmax(1) == y).float().mean().item()


def engine_theta(net, flat):
    """The engine's flat θ (dense weights stored [in, out]) in this file's layout (torch's [out, in])."""
    parts, o = [], 0
    for shape, _, _ in net.shapes:
        n = math.prod(shape)
        w = flat[o:o + n]
        if len(shape) == 2:
            w = w.reshape(shape[1], shape[0]).t().reshape(-1)
        parts.append(w)
        o += n
    return torch.cat(parts)


def rel(a, b):
    return ((a - b).norm() / b.norm()).item()


def compare(a, tx, ty, ex, ey, net):
    """Starts from the state the engine dumped (bench/DistillCompare.java) and compares with what it computed."""
    torch.set_default_dtype(torch.float64)
    ld = lambda name: torch.from_numpy(np.load(f"{a.compare}/{name}.npy").astype(np.float64))
    tx, ex = tx.double(), ex.double()
    theta0 = engine_theta(net, ld("theta0"))
    images = ld("images0").requires_grad_(True)
    labels = ld("labels0").requires_grad_(True)
    raw_lr = ld("rawlr0").reshape(-1).requires_grad_(True)
    batches = torch.from_numpy(np.load(f"{a.compare}/batches.npy").astype(np.int64))
    S, n = a.steps, a.images_per_step
    opt = torch.optim.Adam([images, labels, raw_lr], lr=a.outer_lr, betas=(0.5, 0.999))
    losses = []
    for it in range(batches.shape[0]):
        idx = batches[it]
        thetaT = unroll(net, theta0.clone(), images, labels, raw_lr, S, n, True)
        loss = F.cross_entropy(net.forward(thetaT, tx[idx]), ty[idx])
        opt.zero_grad()
        loss.backward()
        if it == 0:
            print(json.dumps({"iteration": 0, "loss_ref": loss.item(), "loss_engine": ld("losses")[0].item(),
                              "rel_err_images": rel(ld("g_images"), images.grad),
                              "rel_err_labels": rel(ld("g_labels"), labels.grad),
                              "rel_err_rawlr": rel(ld("g_rawlr").reshape(-1), raw_lr.grad),
                              "g_rawlr_ref": raw_lr.grad.tolist(), "g_rawlr_engine": ld("g_rawlr").reshape(-1).tolist()}))
        opt.step()
        losses.append(loss.item())
    eng = ld("losses")
    for it in sorted({0, 1, 2, 4, 9, 19, len(losses) - 1} & set(range(len(losses)))):
        print(json.dumps({"iteration": it + 1, "loss_ref": losses[it], "loss_engine": eng[it].item()}))
    images, labels, raw_lr = images.detach(), labels.detach(), raw_lr.detach()
    acc = lambda im, lb, lr: accuracy(net, unroll(net, theta0.clone(), im, lb, lr, S, n, False).detach(), ex, ey)
    print(json.dumps({"final": len(losses), "rel_diff_images": rel(ld("images"), images),
                      "rel_diff_labels": rel(ld("labels"), labels), "lrs_ref": F.softplus(raw_lr).tolist(),
                      "lrs_engine": F.softplus(ld("rawlr").reshape(-1)).tolist(),
                      "test_acc_ref_state": acc(images, labels, raw_lr),
                      "test_acc_engine_state_in_ref": acc(ld("images"), ld("labels"), ld("rawlr").reshape(-1))}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--images-per-step", type=int, default=2)
    ap.add_argument("--steps", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--distill-lr", type=float, default=0.02)
    ap.add_argument("--outer-lr", type=float, default=0.01)
    ap.add_argument("--decay-every", type=int, default=0)
    ap.add_argument("--decay-factor", type=float, default=0.5)
    ap.add_argument("--init", choices=["fixed", "random"], default="fixed")
    ap.add_argument("--eval-inits", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--out", help="write a JSON log of the trajectory here")
    ap.add_argument("--compare", help="folder written by bench/DistillCompare.java: start from its state, compare")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    tx, ty, ex, ey, k = load(a.data)
    net = LeNet(k, tx.shape[-1])
    if a.compare:
        return compare(a, tx, ty, ex, ey, net)
    n, S = a.images_per_step, a.steps
    images = torch.randn(S * n, 1, tx.shape[-2], tx.shape[-1]).requires_grad_(True)
    labels = F.one_hot(torch.arange(S * n) % k, k).float().requires_grad_(True)
    raw_lr = torch.full((S * a.epochs,), math.log(math.expm1(a.distill_lr))).requires_grad_(True)
    opt = torch.optim.Adam([images, labels, raw_lr], lr=a.outer_lr, betas=(0.5, 0.999))
    gen = torch.Generator().manual_seed(a.seed)
    theta0 = net.init(gen)
    log = []
    start = time.perf_counter()
    cpu_start = time.process_time()
    for it in range(a.iterations):
        if a.decay_every > 0:
            for g in opt.param_groups:
                g["lr"] = a.outer_lr * a.decay_factor ** (it // a.decay_every)
        if a.init == "random":
            theta0 = net.init(gen)
        idx = torch.randperm(tx.shape[0], generator=gen)[:a.batch]
        thetaT = unroll(net, theta0.clone(), images, labels, raw_lr, S, n, True)
        loss = F.cross_entropy(net.forward(thetaT, tx[idx]), ty[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if a.log_every > 0 and ((it + 1) % a.log_every == 0 or it + 1 == a.iterations):
            el = time.perf_counter() - start
            rec = {"iteration": it + 1, "loss": loss.item(), "sec_per_iter": el / (it + 1),
                   "lrs": F.softplus(raw_lr).tolist(), "label_rows": labels.detach()[:min(4, S * n)].tolist()}
            if a.init == "fixed":
                rec["test_acc"] = accuracy(net, unroll(net, theta0.clone(), images.detach(), labels.detach(),
                                                       raw_lr.detach(), S, n, False).detach(), ex, ey)
            log.append(rec)
            print(json.dumps(rec), flush=True)
    train_sec = time.perf_counter() - start
    train_cpu = time.process_time() - cpu_start
    gen_eval = torch.Generator().manual_seed(a.seed + 1_000_000)
    inits = [theta0] if a.init == "fixed" else [net.init(gen_eval) for _ in range(a.eval_inits)]
    accs = [accuracy(net, unroll(net, th.clone(), images.detach(), labels.detach(), raw_lr.detach(), S, n,
                                 False).detach(), ex, ey) for th in inits]
    result = {"acc_distilled": float(np.mean(accs)), "acc_distilled_sd": float(np.std(accs, ddof=1)) if len(accs) > 1 else 0.0,
              "sec_per_iter": train_sec / max(1, a.iterations), "cpu_sec_per_iter": train_cpu / max(1, a.iterations),
              "iterations": a.iterations,
              "lrs": F.softplus(raw_lr).tolist(), "args": vars(a)}
    print(json.dumps(result), flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"log": log, "result": result}, f, indent=1)


if __name__ == "__main__":
    main()
