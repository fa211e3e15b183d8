"""PyTorch CPU peer of bench/cnn.ts: the same CNNs (conv 3x3 'same' + ReLU + 2x2 max pool per block,
flatten, dense 64 + ReLU, dense 1 + sigmoid; binary cross-entropy; Adam), trained and run on random
batches. Prints one JSON object: {"train_img_s": ..., "infer_img_s": ...}.

Usage: python3 cnn_bench.py SIZE FILTERS BATCH TRAIN_STEPS INFER_STEPS THREADS CHANNELS_LAST WARMUP_SECONDS
  e.g. python3 cnn_bench.py 128 16,32,64 32 10 20 2 1 5
"""
import json
import sys
import time

import torch
from torch import nn


def build(size: int, filters: list[int]) -> nn.Module:
    layers: list[nn.Module] = []
    channels = 1
    side = size
    for f in filters:
        layers += [nn.Conv2d(channels, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels = f
        side //= 2
    layers += [nn.Flatten(), nn.Linear(channels * side * side, 64), nn.ReLU(), nn.Linear(64, 1)]
    return nn.Sequential(*layers)


def main() -> None:
    size, filters, batch, train_steps, infer_steps, threads, channels_last, warmup_seconds = sys.argv[1:9]
    size, batch, train_steps, infer_steps = int(size), int(batch), int(train_steps), int(infer_steps)
    torch.set_num_threads(int(threads))
    torch.manual_seed(0)
    fmt = torch.channels_last if channels_last == "1" else torch.contiguous_format
    model = build(size, [int(f) for f in filters.split(",")]).to(memory_format=fmt)
    x = torch.rand(batch, 1, size, size).to(memory_format=fmt)
    y = (torch.rand(batch, 1) > 0.5).float()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    def train_step() -> None:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    def timed(step, steps: int) -> float:
        # untimed steps first, as the tfjs runners do: at least as many as are timed, for at least
        # warmup_seconds (steady-state throughput)
        warmup_start, warmed = time.perf_counter(), 0
        while warmed < steps or time.perf_counter() - warmup_start < float(warmup_seconds):
            step()
            warmed += 1
        start = time.perf_counter()
        for _ in range(steps):
            step()
        return steps * batch / (time.perf_counter() - start)

    model.train()
    train = timed(train_step, train_steps)
    model.eval()
    with torch.no_grad():
        infer = timed(lambda: torch.sigmoid(model(x)), infer_steps)
    print(json.dumps({"train_img_s": train, "infer_img_s": infer, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
