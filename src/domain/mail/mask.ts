/** For logs only (the audit log keeps addresses in full): `p***@gitdate.ink`. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0] ?? ''}***${address.slice(at)}`;
}

export function maskAddresses(addresses: readonly string[]): string[] {
  return addresses.map(maskAddress);
}
