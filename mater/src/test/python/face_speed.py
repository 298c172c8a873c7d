"""Training speed of the face network (FaceNet: VGG-M batch-norm, 48x48 grey, stride-1 conv1, head
max 2x2 -> fc 2048->1024->1024->7 with dropout) in PyTorch, for the speed ratio against the Java engine.

  /usr/bin/python3 mater/src/test/python/face_speed.py [--batch 64 --threads 2 --steps 10 --warmup 2]

Trains on random inputs (speed does not depend on the pixels) with AdamW and prints training images/s
(after warm-up steps) and evaluation images/s.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class FaceNet(nn.Module):
    def __init__(self, classes=7, dropout=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 96, 7, stride=1)
        self.conv2 = nn.Conv2d(96, 256, 5, stride=2, padding=1)
        self.conv3 = nn.Conv2d(256, 512, 3, padding=1)
        self.conv4 = nn.Conv2d(512, 512, 3, padding=1)
        self.conv5 = nn.Conv2d(512, 512, 3, padding=1)
        self.bn49, self.bn50 = nn.BatchNorm2d(96), nn.BatchNorm2d(256)
        self.bn51, self.bn52, self.bn53 = nn.BatchNorm2d(512), nn.BatchNorm2d(512), nn.BatchNorm2d(512)
        self.fc6, self.fc7, self.fc8 = nn.Linear(2048, 1024), nn.Linear(1024, 1024), nn.Linear(1024, classes)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn49(self.conv1(x))), 3, 2)
        x = F.max_pool2d(F.relu(self.bn50(self.conv2(x))), 3, 2, ceil_mode=True)
        x = F.relu(self.bn51(self.conv3(x)))
        x = F.relu(self.bn52(self.conv4(x)))
        x = F.relu(self.bn53(self.conv5(x)))
        x = F.max_pool2d(x, 2, 2).flatten(1)
        x = self.drop(F.relu(self.fc6(x)))
        x = self.drop(F.relu(self.fc7(x)))
        return self.fc8(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = FaceNet()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.05)
    x = torch.randn(a.batch, 1, 48, 48)
    y = torch.randint(0, 7, (a.batch,))
    net.train()
    for i in range(a.warmup + a.steps):
        if i == a.warmup:
            t0 = time.perf_counter()
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    train = a.steps * a.batch / (time.perf_counter() - t0)
    net.eval()
    with torch.no_grad():
        net(x)
        t0 = time.perf_counter()
        for _ in range(a.steps):
            net(x)
        ev = a.steps * a.batch / (time.perf_counter() - t0)
    print(f"pytorch {torch.__version__} threads {a.threads} batch {a.batch}: train {train:.1f} images/s "
          f"({28709 / train:.0f} s per FER2013 epoch), eval {ev:.1f} images/s")


if __name__ == "__main__":
    main()
