/**
 * Python's text for the values torch.testing.assert_close prints, so our mismatch messages read
 * exactly like torch's (checked against torch's own output in test/compare-assert-close.test.ts).
 */
import { InternalError } from "../errors.js";

/** `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16, "x.0" for integers. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest digits that round-trip, as repr does:
  // "-1.5e-7" is sign, mantissa "1.5", exponent "-7".
  const text = x.toExponential();
  const sign = text.startsWith("-") ? "-" : "";
  const e = text.indexOf("e");
  const mantissa = text.slice(sign.length, e);
  const exp = Number(text.slice(e + 1));
  if (exp < -4 || exp >= 16) {
    return `${sign}${mantissa}e${text.charAt(e + 1)}${text.slice(e + 2).padStart(2, "0")}`;
  }
  const digits = mantissa.replace(".", "");
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intDigits = exp + 1;
  if (digits.length <= intDigits) return `${sign}${digits.padEnd(intDigits, "0")}.0`;
  return `${sign}${digits.slice(0, intDigits)}.${digits.slice(intDigits)}`;
}

/**
 * `f"{fraction:.1%}"` for the share of mismatched elements, 0 < fraction <= 1: Python multiplies
 * by 100 in double precision, then rounds the exact binary value of that product to one decimal,
 * ties to even. The product is a normal double m · 2^-k in (0, 100] with k >= 46, so m · 5^k is
 * the product times 10^k exactly, and integer division by 10^(k-1) splits it into tenths and rest.
 */
export function pyPercent(fraction: number): string {
  const x = fraction * 100;
  if (!(x > 0 && x <= 100)) throw new InternalError(`pyPercent: ${fraction} is not a share in (0, 1]`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const k = 1075 - Number(bits >> 52n);
  const scaled = ((bits & ((1n << 52n) - 1n)) | (1n << 52n)) * 5n ** BigInt(k); // x · 10^k, exactly
  const unit = 10n ** BigInt(k - 1); // 0.1 in those units
  const tenths = scaled / unit;
  const rest = scaled % unit;
  const half = unit / 2n;
  const rounded = rest > half || (rest === half && tenths % 2n === 1n) ? tenths + 1n : tenths;
  const text = rounded.toString().padStart(2, "0");
  return `${text.slice(0, -1)}.${text.slice(-1)}%`;
}

/** `repr(tuple_of_ints)`: "()", "(3,)", "(1, 2)". */
export function pyTuple(items: readonly number[]): string {
  if (items.length === 1) return `(${items[0]},)`;
  return `(${items.join(", ")})`;
}

/** `repr(str)` for the plain names we use: single quotes unless the text holds one and no double quote. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, "\\\\").replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

/** `str(torch.Size(shape))`. */
export function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}
