"""How much would training several iterations' networks at once save? (a probe)

AttributionBoruta's iterations on small tables cost about 0.1 s each
(60-70 epochs of a 2 x 64 GELU network, 420 inputs, about 130 rows) and
that time barely depends on how many columns are still in play: each
epoch is a fixed count of small torch operations, not arithmetic. This
probe times one full-batch training epoch (forward with input dropout,
loss, backward, a fused Adam step, a group-lasso proximal step on the
input layer, and a forward on the early-stopping rows) of K independent
networks computed as one batched module (``torch.baddbmm`` over a leading
dimension of K), against K times one network, on one torch thread.

Usage::

    python benchmarks/dev/dev_batched_nets.py --rows 132 --inputs 420 --out ...
"""

import argparse
import json
import time

import torch


def batched_epoch_time(k, rows, inputs, hidden, epochs, seed=0):
    """Seconds per epoch of K networks trained as one batched module."""
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(k, rows, inputs, generator=gen)
    y = torch.randn(k, rows, 1, generator=gen)
    X_val = torch.randn(k, rows // 9, inputs, generator=gen)
    shapes = [(inputs, hidden), (hidden, hidden), (hidden, 1)]
    weights = [
        (torch.randn(k, a, b, generator=gen) / a**0.5).requires_grad_()
        for a, b in shapes
    ]
    biases = [torch.zeros(k, 1, b, requires_grad=True) for _, b in shapes]
    params = weights + biases
    opt = torch.optim.Adam(params, lr=0.003, fused=True)
    gelu = torch.nn.GELU()

    def forward(A, train):
        if train:
            A = A * torch.rand_like(A).ge_(0.3) / 0.7
        for i, (W, b) in enumerate(zip(weights, biases)):
            A = torch.baddbmm(b, A, W)
            if i < 2:
                A = gelu(A)
        return A

    def epoch():
        opt.zero_grad(set_to_none=True)
        loss = ((forward(X, True) - y) ** 2).mean(dim=(1, 2)).sum()
        loss.backward()
        opt.step()
        with torch.no_grad():  # group lasso: shrink each input's row of W0
            W0 = weights[0]
            norms = W0.norm(dim=2, keepdim=True)
            W0.mul_((1 - 0.003 * 5.0 / norms.clamp_min(1e-12)).clamp_min(0))
            forward(X_val, False)

    for _ in range(5):
        epoch()
    start = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return (time.perf_counter() - start) / epochs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=132)
    parser.add_argument("--inputs", type=int, default=420)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    with open(args.out, "a", encoding="utf-8") as handle:
        for k in args.ks:
            times = sorted(
                batched_epoch_time(k, args.rows, args.inputs, args.hidden, args.epochs)
                for _ in range(args.repeats)
            )
            one = times[len(times) // 2]
            row = {
                "k": k,
                "rows": args.rows,
                "inputs": args.inputs,
                "ms_per_epoch": round(1000 * one, 3),
                "ms_per_net_epoch": round(1000 * one / k, 3),
            }
            handle.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
