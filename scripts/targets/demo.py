"""A small order-processing job for scripts/demo.sh to profile.

It makes a batch of CSV order records, parses them, sorts them, signs each
one with a hash and totals them per customer; each step costs a different
share of the run, so the profile has a clear hot list. It does a fixed
amount of work (about two seconds on a typical machine) and prints a short
report.

usage: demo.py [ROUNDS]   (default 8)

Python 3.8+ syntax, no f-strings.
"""
import hashlib
import random
import sys

CUSTOMERS = ["acme", "globex", "initech", "umbrella", "hooli", "stark"]
PRODUCTS = ["bolt", "nut", "gear", "spring", "valve", "pump", "fan"]
RECORDS_PER_ROUND = 20000


class Order:
    __slots__ = ("number", "customer", "product", "quantity", "price")

    def __init__(self, number, customer, product, quantity, price):
        self.number = number
        self.customer = customer
        self.product = product
        self.quantity = quantity
        self.price = price

    def total(self):
        return self.quantity * self.price


class Ledger:
    """Running totals per customer, with a check digit per entry."""

    def __init__(self):
        self.totals = {}
        self.count = 0

    def post(self, order):
        amount = order.total()
        checksum = 0
        for ch in order.customer + order.product:
            checksum = (checksum * 31 + ord(ch)) % 1000003
        self.totals[order.customer] = self.totals.get(order.customer, 0) + amount
        self.count += 1
        return checksum

    def report(self):
        lines = []
        for customer in sorted(self.totals):
            lines.append("  %-10s %12.2f" % (customer, self.totals[customer]))
        return "\n".join(lines)


def make_records(rng, count, first):
    records = []
    for i in range(count):
        records.append(
            "%d,%s,%s,%d,%.2f"
            % (
                first + i,
                rng.choice(CUSTOMERS),
                rng.choice(PRODUCTS),
                rng.randint(1, 50),
                rng.uniform(0.5, 99.0),
            )
        )
    return records


def parse_records(records):
    orders = []
    for line in records:
        fields = line.split(",")
        if len(fields) != 5:
            continue
        number = int(fields[0])
        quantity = int(fields[3])
        price = float(fields[4])
        orders.append(Order(number, fields[1], fields[2], quantity, price))
    return orders


def order_key(order):
    return (order.customer, -order.total(), order.number)


def sort_orders(orders):
    return sorted(orders, key=order_key)


def sign_orders(orders):
    digest = hashlib.sha256()
    for order in orders:
        text = "%d:%s:%s" % (order.number, order.customer, order.product)
        for _ in range(4):
            text = hashlib.sha256(text.encode()).hexdigest()
        digest.update(text.encode())
    return digest.hexdigest()


def process_round(rng, ledger, round_number):
    records = make_records(rng, RECORDS_PER_ROUND, round_number * RECORDS_PER_ROUND)
    orders = parse_records(records)
    orders = sort_orders(orders)
    signature = sign_orders(orders)
    for order in orders:
        ledger.post(order)
    return signature


def main(rounds):
    rng = random.Random(42)
    ledger = Ledger()
    signature = ""
    for round_number in range(rounds):
        signature = process_round(rng, ledger, round_number)
    print("processed %d orders, last signature %s" % (ledger.count, signature[:16]))
    print(ledger.report())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)
