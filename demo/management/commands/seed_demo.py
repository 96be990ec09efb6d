from django.core.management.base import BaseCommand

from demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "创建演示县（清河县）：乡镇、村、社区、党支部、书记和各角色账号（可重复执行）。"

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        accounts = seed_demo()
        self.stdout.write(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            self.stdout.write(f"  {account.role:<10} {account.username:<14} {account.place}")
