// Name lists of the contacts-search and contacts-import benches: ~140 first names and ~180 surnames,
// drawn with Zipf-like weights so common names collide as in a real customer base (smith is
// everywhere, lovelace and hopper are rare).
export const FIRST_NAMES = [
  ...'james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth dorothy kevin carol brian amanda george melissa edward deborah ronald stephanie timothy rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy nicholas shirley eric angela jonathan helen stephen anna larry brenda justin pamela scott nicole brandon emma benjamin samantha samuel katherine gregory christine frank debra alexander rachel raymond catherine patrick carolyn jack janet dennis ruth jerry maria tyler heather aaron diane jose virginia adam julie henry joyce nathan victoria douglas olivia zachary kelly peter christina kyle lauren walter joan ethan evelyn jeremy judith harold megan keith cheryl christian andrea roger hannah noah martha'.split(
    ' ',
  ),
  'ada',
  'grace',
];

export const SURNAMES = [
  ...'smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts dubois durand lefebvre moreau laurent simon michel garnier faure rousseau blanc guerin muller henry roussel nicolas perrin morin mathieu clement gauthier dumont fontaine chevalier robin masson bernard petit richard leroy girard bonnet dupont lambert fournier mercier boyer gomez diaz cruz morales reyes ortiz gutierrez chavez ramos ruiz alvarez castillo jimenez moreno romero herrera medina aguilar vargas schmidt schneider fischer weber meyer wagner becker schulz hoffmann koch richter klein wolf neumann schwarz zimmermann braun hofmann rossi russo ferrari esposito bianchi romano colombo ricci marino greco bruno gallo conti costa giordano mancini rizzo lombardi moretti silva santos oliveira souza pereira ferreira alves ribeiro carvalho gomes kowalski nowak wisniewski kaminski novak horvat jansen visser smit bakker janssen murphy kelly sullivan walsh byrne ryan oconnor obrien evans hughes edwards morgan cooper ward'.split(
    ' ',
  ),
  'hopper',
  'lovelace',
];

/** Cumulative Zipf weights (rank^-s) for weighted draws by binary search. */
export function zipf(n, s) {
  const w = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
  const total = w.reduce((a, b) => a + b, 0);
  let acc = 0;
  return w.map((x) => (acc += x / total));
}

export function pick(cumulative, r) {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A small seeded PRNG (mulberry32), so every seed gives the same people. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const cap = (s) => s[0].toUpperCase() + s.slice(1);
