"""Builds yelp_ner.conll from ../sentiment/yelp_labelled.txt by a fixed rule (see README.md). Python 3, no packages."""
import re, pathlib

here = pathlib.Path(__file__).parent
FOOD = set("""pizza burger burgers sushi salad salads fries steak chicken pasta sandwich sandwiches soup fish shrimp
tacos taco rice beef pork bacon eggs bread dessert desserts cake pie coffee tea beer wine meat potatoes noodles
wings sauce cheese lobster crab salmon tuna ramen pho curry breakfast lunch dinner brunch appetizers appetizer
burrito nachos chips salsa ribs fruit vegetables veggies gyro hummus falafel donut donuts pancakes waffles
omelet toast cream chocolate""".split())

STAFF = set("""staff waiter waitress waiters waitresses server servers manager managers owner owners chef chefs cook cooks
bartender bartenders host hostess employees employee cashier""".split())

def bare(word):
    return re.sub(r"^[^\w$]+|[^\w]+$", "", word)

def tags(words):
    out = []
    for i, w in enumerate(words):
        b = bare(w)
        if b.lower() in FOOD:
            kind = "FOOD"
        elif b.lower() in STAFF:
            kind = "STAFF"
        else:
            out.append("O")
            continue
        inside = out and out[-1] != "O" and out[-1][2:] == kind and bare(words[i - 1]) == words[i - 1]
        out.append(("I-" if inside else "B-") + kind)
    return out

lines = []
for line in (here.parent / "sentiment" / "yelp_labelled.txt").read_text(encoding="utf-8").splitlines():
    sentence = line.split("\t")[0].strip()
    words = sentence.split()
    if not words:
        continue
    lines += [f"{w}\t{t}" for w, t in zip(words, tags(words))] + [""]
(here / "yelp_ner.conll").write_text("\n".join(lines), encoding="utf-8")
