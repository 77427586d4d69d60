"""Generated message exports for the benchmarks (ledger.sh, conversation.sh): the words and the
shape of a harassment chat, reproducible from the random generator the caller seeds."""

import datetime

WORDS = ("why are you ignoring me I saw you at the station today please stop messaging "
         "I just want to explain you never gave me a chance wait after work").split()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def write_whatsapp(path, rng, max_bytes=None, messages=None):
    """A WhatsApp .txt export (day first: days past the 12th settle the order), with some
    multi-line messages, of about max_bytes or exactly `messages` messages. Returns the count."""
    t = datetime.datetime(2024, 1, 1, 8, 0)
    count = size = 0
    with open(path, "w", encoding="utf-8") as out:
        while (max_bytes is None or size < max_bytes) and (messages is None or count < messages):
            t += datetime.timedelta(minutes=rng.randint(1, 9))
            sender = "Daniel Marsh" if rng.random() < 0.7 else "Alex Doe"
            text = sentence(rng, rng.randint(3, 25))
            if rng.random() < 0.05:
                text += "\n" + sentence(rng, rng.randint(3, 12))
            line = f"{t:%d/%m/%Y, %H:%M} - {sender}: {text}\n"
            out.write(line)
            size += len(line.encode())
            count += 1
    return count
