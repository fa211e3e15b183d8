"""PyTorch CPU peer of bench/cnn.ts: the same networks as radnb's workloads, trained (Adam) and run on random
batches. Prints one JSON object: {"train_img_s": ..., "infer_img_s": ...}.

Usage: python3 cnn_bench.py MODEL SIZE BATCH TRAIN_STEPS INFER_STEPS THREADS CHANNELS_LAST WARMUP_SECONDS
  MODEL: smallcnn:16,32,64 (conv 3x3 'same' + ReLU + 2x2 max pool per block, dense 64 + ReLU, dense 1),
         pneumonia:32,64,128 (notebook 02: two conv + batch norm + ReLU per block, max pool, global average,
         dropout 0.3, dense 1), unet:8,3 (notebook 03: radnb's unet2d, base filters and depth),
         dncnn:16,5 (notebook 04: radnb's dncnn, filters and depth), resnet18:64 (radnb's resnet18, small stem)
  e.g. python3 cnn_bench.py pneumonia:32,64,128 28 64 10 20 2 1 5
"""
import json
import sys
import time

import torch
from torch import nn


def small_cnn(size: int, filters: list[int]) -> nn.Module:
    layers: list[nn.Module] = []
    channels, side = 1, size
    for f in filters:
        layers += [nn.Conv2d(channels, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels, side = f, side // 2
    layers += [nn.Flatten(), nn.Linear(channels * side * side, 64), nn.ReLU(), nn.Linear(64, 1)]
    return nn.Sequential(*layers)


def conv_bn_relu(cin: int, cout: int) -> list[nn.Module]:
    # Keras' batch-norm momentum 0.99 (0.9 in notebook 02) is PyTorch's 0.01 (0.1); epsilon 1e-3 in both
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3), nn.ReLU()]


def pneumonia(widths: list[int]) -> nn.Module:
    layers: list[nn.Module] = []
    channels = 1
    for f in widths:
        layers += conv_bn_relu(channels, f) + conv_bn_relu(f, f) + [nn.MaxPool2d(2)]
        channels = f
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(channels, 1)]
    return nn.Sequential(*layers)


class UNet(nn.Module):
    def __init__(self, base: int, depth: int) -> None:
        super().__init__()
        block = lambda cin, cout: nn.Sequential(*conv_bn_relu(cin, cout), *conv_bn_relu(cout, cout))
        self.down = nn.ModuleList()
        channels = 1
        for level in range(depth):
            self.down.append(block(channels, base * 2**level))
            channels = base * 2**level
        self.bottleneck = block(channels, base * 2**depth)
        self.up = nn.ModuleList()
        self.up_blocks = nn.ModuleList()
        channels = base * 2**depth
        for level in reversed(range(depth)):
            f = base * 2**level
            self.up.append(nn.ConvTranspose2d(channels, f, 2, stride=2))
            self.up_blocks.append(block(2 * f, f))
            channels = f
        self.mask = nn.Conv2d(channels, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = nn.functional.max_pool2d(x, 2)
        x = self.bottleneck(x)
        for up, block, skip in zip(self.up, self.up_blocks, reversed(skips)):
            x = block(torch.cat([up(x), skip], 1))
        return self.mask(x)


class DnCNN(nn.Module):
    def __init__(self, filters: int, depth: int) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(1, filters, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += conv_bn_relu(filters, filters)
        layers += [nn.Conv2d(filters, 1, 3, padding=1)]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.a = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-3), nn.ReLU())
        self.b = nn.Sequential(nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-3))
        projects = stride != 1 or cin != cout
        self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout, eps=1e-3)) if projects else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.b(self.a(x)) + self.shortcut(x))


def resnet18(width: int) -> nn.Module:
    layers: list[nn.Module] = conv_bn_relu(1, width)
    channels = width
    for stage in range(4):
        f = width * 2**stage
        for b in range(2):
            layers.append(BasicBlock(channels, f, 2 if stage > 0 and b == 0 else 1))
            channels = f
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 1)]
    return nn.Sequential(*layers)


def build(spec: str, size: int) -> tuple[nn.Module, list[int], nn.Module]:
    """The network, its output shape per image and its loss (BCEWithLogitsLoss where radnb's output is a sigmoid)."""
    kind, _, numbers = spec.partition(":")
    n = [int(v) for v in numbers.split(",")]
    if kind == "smallcnn":
        return small_cnn(size, n), [1], nn.BCEWithLogitsLoss()
    if kind == "pneumonia":
        return pneumonia(n), [1], nn.BCEWithLogitsLoss()
    if kind == "unet":
        return UNet(n[0], n[1]), [1, size, size], nn.BCEWithLogitsLoss()
    if kind == "dncnn":
        return DnCNN(n[0], n[1]), [1, size, size], nn.MSELoss()
    if kind == "resnet18":
        return resnet18(n[0]), [1], nn.BCEWithLogitsLoss()
    raise SystemExit(f"unknown model {spec}")


def main() -> None:
    spec, size, batch, train_steps, infer_steps, threads, channels_last, warmup_seconds = sys.argv[1:9]
    # a 10th argument names the device: "cuda" for bench/gpu.ts on a GPU machine
    device = torch.device(sys.argv[9] if len(sys.argv) > 9 else "cpu")
    size, batch, train_steps, infer_steps = int(size), int(batch), int(train_steps), int(infer_steps)
    torch.set_num_threads(int(threads))
    torch.manual_seed(0)
    fmt = torch.channels_last if channels_last == "1" else torch.contiguous_format
    model, out_shape, loss_fn = build(spec, size)
    model = model.to(device=device, memory_format=fmt)
    x = torch.rand(batch, 1, size, size).to(device=device, memory_format=fmt)
    y = (torch.rand(batch, *out_shape) > 0.5).float().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step() -> None:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    def synchronize() -> None:
        # CUDA runs asynchronously: a step has ended when the device has finished it
        if device.type == "cuda":
            torch.cuda.synchronize()

    def timed(step, steps: int) -> float:
        # untimed steps first, as the tfjs runners do: at least as many as are timed, for at least
        # warmup_seconds (steady-state throughput)
        warmup_start, warmed = time.perf_counter(), 0
        while warmed < steps or time.perf_counter() - warmup_start < float(warmup_seconds):
            step()
            warmed += 1
        synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        synchronize()
        return steps * batch / (time.perf_counter() - start)

    model.train()
    train = timed(train_step, train_steps)
    model.eval()
    with torch.no_grad():
        # radnb's classifiers and U-Net end in a sigmoid: inference computes it too
        final = torch.sigmoid if isinstance(loss_fn, nn.BCEWithLogitsLoss) else (lambda t: t)
        infer = timed(lambda: final(model(x)), infer_steps)
    print(json.dumps({"train_img_s": train, "infer_img_s": infer, "torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(device)}))


if __name__ == "__main__":
    main()
