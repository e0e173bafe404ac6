import { ShieldIcon } from './icons';

export function Brand({ size = 22 }: { size?: number }) {
  return (
    <>
      <ShieldIcon size={size} />
      <span>
        Palisade
        <small>MCP security monitor</small>
      </span>
    </>
  );
}
