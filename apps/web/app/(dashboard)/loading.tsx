import { Loading } from '../../components/states';

export default function DashboardLoading() {
  return <Loading />;
}
