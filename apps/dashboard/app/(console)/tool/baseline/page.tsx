// A tool's baseline tuning with its names in the query (`/tool/baseline?server=&tool=`), for a tool or server
// named `.` or `..` (lib/tool-links.ts). The page is the one of /tools/[server]/[tool]/baseline.
export { default, generateMetadata } from '../../tools/[server]/[tool]/baseline/page';
