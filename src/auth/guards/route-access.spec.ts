import { Controller, Get } from '@nestjs/common';
import { ExecutorAuth, Public } from '../../common';
import { routeAccess } from './route-access';

@ExecutorAuth()
@Controller('v1/runtimes')
class RuntimesController {
  @Get()
  list(): void {}

  @Public()
  @Get('health')
  health(): void {}
}

@Controller('v1')
class PlainV1Controller {
  @ExecutorAuth()
  @Get('executions')
  execute(): void {}
}

@ExecutorAuth()
@Controller('api/v1/tasks')
class MisplacedExecutorController {
  @Get()
  list(): void {}
}

@ExecutorAuth()
@Controller('v1x')
class LookalikeController {
  @Get()
  list(): void {}
}

@ExecutorAuth()
@Controller(['v1', 'api/v1/other'])
class MixedPathsController {
  @Get()
  list(): void {}
}

@Controller('api/v1/things')
class UnmarkedController {
  @Get()
  list(): void {}
}

/** One handler shared by two controllers through inheritance. */
class SharedListing {
  @Get()
  list(): void {}
}

@ExecutorAuth()
@Controller('v1/shared')
class ExecutorListing extends SharedListing {}

@ExecutorAuth()
@Controller('api/v1/shared')
class UserListing extends SharedListing {}

describe('routeAccess', () => {
  it('gives executor routes under /v1 to the executor guard, at class or method level', () => {
    expect(routeAccess(RuntimesController.prototype.list, RuntimesController)).toBe('executor');
    expect(routeAccess(PlainV1Controller.prototype.execute, PlainV1Controller)).toBe('executor');
  });

  it('lets @Public() win', () => {
    expect(routeAccess(RuntimesController.prototype.health, RuntimesController)).toBe('public');
  });

  it('still requires a user token for @ExecutorAuth() outside /v1', () => {
    for (const controller of [
      MisplacedExecutorController,
      LookalikeController,
      MixedPathsController,
    ]) {
      expect(routeAccess(controller.prototype.list, controller)).toBe('user');
    }
  });

  it('requires a user token for an unmarked route', () => {
    expect(routeAccess(UnmarkedController.prototype.list, UnmarkedController)).toBe('user');
  });

  it('decides an inherited handler for each controller it serves, however often asked', () => {
    for (let call = 0; call < 3; call++) {
      expect(routeAccess(SharedListing.prototype.list, ExecutorListing)).toBe('executor');
      expect(routeAccess(SharedListing.prototype.list, UserListing)).toBe('user');
    }
  });
});
